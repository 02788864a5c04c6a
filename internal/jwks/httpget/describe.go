package httpget

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// Describe turns a transport error into a short cause. It deliberately drops
// the *url.Error wrapper (which repeats method and URL) because callers name
// the URL themselves.
func Describe(err error) string {
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		verifErr *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		netErr   net.Error
		urlErr   *url.Error
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before a complete answer"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "DNS: no such host " + dnsErr.Name
		}
		return "DNS lookup failed for " + dnsErr.Name
	case errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid), errors.As(err, &verifErr):
		return "TLS: " + tlsCause(err)
	case errors.As(err, &recErr):
		return "TLS: server did not answer with TLS (is it plain http?)"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.As(err, &urlErr):
		return urlErr.Err.Error()
	}
	return err.Error()
}

// tlsCause is the certificate problem itself, without the "tls: failed to
// verify certificate: x509: " prefixes that only repeat "TLS".
func tlsCause(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var verifErr *tls.CertificateVerificationError
	if errors.As(err, &verifErr) && verifErr.Err != nil {
		err = verifErr.Err
	}
	msg := strings.TrimPrefix(err.Error(), "tls: failed to verify certificate: ")
	return strings.TrimPrefix(msg, "x509: ")
}
