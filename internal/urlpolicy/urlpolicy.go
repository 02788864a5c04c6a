// Package urlpolicy is the one rule for every URL ciamctl sends a request
// to (brand files, CIAMCTL_INTOUCH_URL, --intouch-url, --jwks, discovery,
// the userinfo probe): absolute http(s), no credentials in the URL, https
// unless the host is loopback; and redirects only within one origin.
package urlpolicy

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ciamctl/ciamctl/internal/redact"
)

// ErrRefused marks a URL the policy refuses. Callers add their own usage
// sentinel (exit code 2) and name the flag, variable or field it came from.
var ErrRefused = errors.New("URL refused")

// RefusedError says why a URL is refused, without repeating the URL (the
// caller names it, redacted).
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string        { return e.Reason }
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func refuse(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// IsLoopback reports whether host (without port or brackets) is localhost,
// 127.0.0.0/8 or ::1: the only hosts plain http may reach, since their
// traffic never leaves the machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CleartextOK reports whether u may be fetched without TLS: https always,
// http only to a loopback host.
func CleartextOK(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, "https") || IsLoopback(u.Hostname())
}

// Check parses raw and applies the rule. Its errors are *RefusedError
// (wrapping ErrRefused) and never repeat the URL, which may hold a secret.
func Check(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, refuse("is not a valid URL")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		if u.Scheme == "" {
			return nil, refuse("is not an absolute http(s) URL")
		}
		return nil, refuse("unsupported URL scheme %q (only http and https)", u.Scheme)
	}
	if u.Host == "" {
		return nil, refuse("URL has no host")
	}
	if u.User != nil {
		// As git's transfer.credentialsInUrl=die: a secret in a URL ends up
		// in shell history, process lists, logs and cache metadata.
		return nil, refuse("carries credentials (user:password@ or a token before @): remove them; secrets come from the environment")
	}
	if !CleartextOK(u) {
		return nil, refuse("plain http to a host that is not loopback would send it unencrypted: use https (http is allowed only for localhost, 127.0.0.0/8 and ::1)")
	}
	return u, nil
}

// Origin is u's scheme, host and port (RFC 6454), the port made explicit.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// SameOrigin reports whether a and b share scheme, host and port.
func SameOrigin(a, b *url.URL) bool { return Origin(a) == Origin(b) }

// MaxRedirects bounds redirect chains; identity providers and API gateways
// rarely use more than one.
const MaxRedirects = 5

// CheckRedirect is an http.Client.CheckRedirect that follows a redirect only
// within the origin of the first request (as curl does for credentials
// since CVE-2022-27774: another host, port or scheme is another party), at
// most MaxRedirects times and never in a loop. Whatever the first request
// carried (a secret in its body, a token header) therefore never reaches
// another origin, and a key set never comes from one.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return errors.New("redirect loop refused (it redirects back to an earlier URL)")
		}
	}
	if len(via) >= MaxRedirects {
		return fmt.Errorf("too many redirects (stopped after %d)", MaxRedirects)
	}
	if first := via[0].URL; !SameOrigin(first, req.URL) {
		return fmt.Errorf("%w (%s, from %s) refused", ErrCrossOriginRedirect, redact.Origin(req.URL), redact.Origin(first))
	}
	return nil
}

// CheckRedirectGETOnly is CheckRedirect for clients whose requests carry a
// secret in their body (OAuth token, device and revocation requests: a
// client secret, a password, a code, a token): a GET follows redirects as
// CheckRedirect allows, any other method follows none, and the 3xx answer
// is returned to the caller (http.ErrUseLastResponse). Such a body is then
// never sent twice, not even to the same origin; OAuth endpoints that take
// it do not redirect.
func CheckRedirectGETOnly(req *http.Request, via []*http.Request) error {
	if via[0].Method != http.MethodGet {
		return http.ErrUseLastResponse
	}
	return CheckRedirect(req, via)
}

// ErrCrossOriginRedirect marks a redirect CheckRedirect refused because it
// left the origin.
var ErrCrossOriginRedirect = errors.New("redirect to another origin")
