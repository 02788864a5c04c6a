package cmdutil

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ciamctl/ciamctl/internal/redact"
)

// traceTransport writes one line per request and one per response to w,
// for --debug. It prints no header values and no bodies, and hides query
// values: tokens and personal data never reach the trace. The Intouch client
// keeps its own, richer (redacted) trace and bypasses this one.
type traceTransport struct {
	next http.RoundTripper
	w    io.Writer
	now  func() time.Time
}

// SyncWriter serialises writes to W.
type SyncWriter struct {
	mu sync.Mutex
	W  io.Writer
}

func (s *SyncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.W.Write(p)
}

// TracingHTTPClient wraps newClient so every client it returns traces its
// requests to w.
func TracingHTTPClient(newClient func() *http.Client, w io.Writer, now func() time.Time) func() *http.Client {
	return func() *http.Client {
		c := newClient()
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c.Transport = &traceTransport{next: next, w: w, now: now}
		return c
	}
}

// untraced strips the trace from a client built by TracingHTTPClient.
func untraced(c *http.Client) *http.Client {
	if t, ok := c.Transport.(*traceTransport); ok {
		c.Transport = t.next
	}
	return c
}

func (t *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	u := traceURL(req.URL)
	fmt.Fprintf(t.w, "http > %s %s\n", req.Method, u)
	start := t.now()
	resp, err := t.next.RoundTrip(req)
	took := t.now().Sub(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(t.w, "http < %s %s: error after %s: %v\n", req.Method, u, took, err)
		return resp, err
	}
	extra := ""
	for _, h := range []string{"Cache-Control", "ETag", "Location", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			if h == "Location" {
				// A redirect target may carry a token in its query.
				v = "(not a URL)"
				if loc, err := resp.Location(); err == nil {
					v = redact.URL(loc.String())
				}
			}
			extra += fmt.Sprintf(" %s=%q", h, v)
		}
	}
	fmt.Fprintf(t.w, "http < %s %s: %s in %s%s\n", req.Method, u, resp.Status, took, extra)
	return resp, nil
}

// traceURL is the request URL without credentials or query values, the
// same redaction errors and cache metadata use.
func traceURL(u *url.URL) string { return redact.URL(u.String()) }
