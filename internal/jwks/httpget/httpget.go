// Package httpget performs the small, defensive HTTP GETs that JWKS and
// discovery documents need: capped bodies, https (http for loopback only),
// same-origin redirects,
// and errors that say what went wrong in a few words without echoing headers
// or bodies.
package httpget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// MaxBody is the default cap for documents we fetch; JWKS and discovery
// documents are a few KiB, so 1 MiB is generous and still bounds memory.
const MaxBody = 1 << 20

// MaxRedirects bounds redirect chains; identity providers rarely use more than one.
const MaxRedirects = urlpolicy.MaxRedirects

// Response is a fully read, capped response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Error is a failed GET; Error() is a short cause meant to follow the URL the
// caller names, e.g. "jwks https://x/jwks.json: connection refused".
type Error struct {
	Cause      string
	StatusCode int // the HTTP status for ErrStatus; 0 when no response came
	Attempts   int // how many times the GET was sent (Policy.Get); 0 from GetOnce
	Err        error

	retryAfter string // the Retry-After header of a status error
}

func (e *Error) Error() string { return e.Cause }
func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge reports a body beyond the cap.
var ErrTooLarge = errors.New("response too large")

// ErrStatus reports a non-2xx (and non-304) status.
var ErrStatus = errors.New("unexpected HTTP status")

// CheckURL applies urlpolicy.Check: absolute http(s) with a host, no
// credentials, https unless the host is loopback. Its errors wrap
// urlpolicy.ErrRefused and show the URL only redacted.
func CheckURL(raw string) (*url.URL, error) { return urlpolicy.Check(raw) }

// Get is DefaultPolicy.Get: GetOnce, repeated when a retry may help, within
// ctx's deadline.
func Get(ctx context.Context, client *http.Client, rawURL string, hdr http.Header, maxBytes int64) (*Response, error) {
	return DefaultPolicy.Get(ctx, client, rawURL, hdr, maxBytes)
}

// GetOnce fetches rawURL with extra request headers, once. Bodies are read
// only for 2xx responses, and never beyond maxBytes (<= 0 means MaxBody). A
// 304 is returned as a Response so callers can revalidate caches; any other
// non-2xx status is an *Error wrapping ErrStatus. Every error is an *Error.
func GetOnce(ctx context.Context, client *http.Client, rawURL string, hdr http.Header, maxBytes int64) (*Response, error) {
	if maxBytes <= 0 {
		maxBytes = MaxBody
	}
	if _, err := CheckURL(rawURL); err != nil {
		return nil, &Error{Cause: err.Error(), Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &Error{Cause: "invalid request: " + err.Error(), Err: err}
	}
	for k, vs := range hdr {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", "ciamctl")

	resp, err := restrict(client).Do(req)
	if err != nil {
		return nil, &Error{Cause: Describe(err), Err: err}
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotModified {
		return &Response{StatusCode: resp.StatusCode, Header: resp.Header}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so the connection can be reused, but never much.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, StatusError(resp)
	}
	if resp.ContentLength > maxBytes {
		return nil, &Error{Cause: fmt.Sprintf("response too large (%d bytes, limit %s)", resp.ContentLength, human(maxBytes)), Err: ErrTooLarge}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, &Error{Cause: "reading response: " + Describe(err), Err: err}
	}
	if int64(len(body)) > maxBytes {
		return nil, &Error{Cause: "response too large (over " + human(maxBytes) + ")", Err: ErrTooLarge}
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

func statusText(resp *http.Response) string {
	if resp.Status != "" {
		return resp.Status
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
}

func human(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// restrict returns a copy of client (never mutating the caller's) whose
// redirects stay within the origin (scheme, host and port) of the URL asked
// for: a key set from elsewhere could be an attacker's, and an http hop
// after an https start would let anyone on the path swap the keys.
func restrict(client *http.Client) *http.Client {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = urlpolicy.CheckRedirect
	return &c
}
