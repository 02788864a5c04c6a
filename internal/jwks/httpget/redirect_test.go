package httpget

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// Redirects are followed only within the origin asked for: another scheme
// (even http to https on the same host and port), host or port is refused
// before it is contacted.
func TestRedirectStaysWithinOrigin(t *testing.T) {
	var other atomic.Int32
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer b.Close()
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/upgrade":
			http.Redirect(w, r, "https://"+r.Host+"/jwks", http.StatusFound)
		case "/port":
			http.Redirect(w, r, b.URL+"/jwks", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/jwks", http.StatusFound)
		default:
			_, _ = w.Write([]byte(`{"keys":[]}`))
		}
	}))
	defer a.Close()
	for _, path := range []string{"/upgrade", "/port"} {
		_, err := GetOnce(t.Context(), a.Client(), a.URL+path, nil, 0)
		if err == nil || !strings.Contains(err.Error(), "redirect to another origin") {
			t.Errorf("%s: %v, want a refused redirect", path, err)
		}
	}
	if n := other.Load(); n != 0 {
		t.Errorf("the other origin was contacted %d times", n)
	}
	if _, err := GetOnce(t.Context(), a.Client(), a.URL+"/same", nil, 0); err != nil {
		t.Errorf("same-origin redirect: %v", err)
	}
}

// A plain-http URL to a host that is not loopback is refused before any
// connection is made.
func TestCleartextRefusedWithoutDialling(t *testing.T) {
	var dials atomic.Int32
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("no network in this test")
	}}}
	for _, raw := range []string{"http://example.com/jwks.json", "https://user:pw-secret@example.com/jwks.json"} {
		_, err := Get(t.Context(), client, raw, nil, 0)
		if !errors.Is(err, urlpolicy.ErrRefused) {
			t.Errorf("%s: %v, want urlpolicy.ErrRefused", raw, err)
		}
		if err != nil && strings.Contains(err.Error(), "pw-secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d connections were attempted", n)
	}
}

// A retry whose wait would pass the command's deadline is not waited for,
// and the error names the limit.
func TestRetryBeyondTheDeadlineNamesIt(t *testing.T) {
	srv, hits := statusServer(t, []int{503, 503})
	ctx, cancel := deadline.With(t.Context(), time.Second, "--timeout")
	defer cancel()
	slow := Policy{MaxRetries: 3, Base: 10 * time.Second, Cap: 20 * time.Second, MaxRetryAfter: time.Minute}
	_, err := slow.Get(ctx, srv.Client(), srv.URL, nil, 0)
	if err == nil || err.Error() != "HTTP 503 Service Unavailable (another attempt would exceed --timeout 1s)" {
		t.Errorf("err = %v", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
