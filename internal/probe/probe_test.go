package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
)

// How the userinfo endpoint answers without a token decides reachable,
// misconfigured or unreachable.
func TestUserinfoStatuses(t *testing.T) {
	cases := []struct {
		status      int
		ok          bool
		unreachable bool
	}{
		{200, true, false}, {401, true, false}, {403, true, false}, {400, true, false}, {405, true, false},
		{404, false, false}, {302, false, false}, {500, false, true}, {503, false, true}, {429, false, true},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				t.Error("the probe must not send credentials")
			}
			if c.status == 302 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(c.status)
		}))
		p := &Prober{Client: srv.Client(), Fetcher: &jwks.Fetcher{NoCache: true}, Retry: &fastRetry}
		cfg := &brand.Config{CIAM: brand.CIAM{UserinfoEndpoint: srv.URL + "/userinfo"}}
		r := p.Userinfo(context.Background(), cfg)
		if r.OK() != c.ok || r.Unreachable() != c.unreachable {
			t.Errorf("HTTP %d: ok=%v unreachable=%v, want %v %v (%+v)", c.status, r.OK(), r.Unreachable(), c.ok, c.unreachable, r.Findings)
		}
		srv.Close()
	}
}

// fastRetry is the default policy with millisecond waits.
var fastRetry = httpget.Policy{MaxRetries: 3, Base: time.Millisecond, Cap: 10 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}

// A burst of 5xx and 429 that clears is retried: the endpoint is there. One
// that does not clear is unreachable, and the finding says how often it was
// tried, in one line.
func TestUserinfoRetriesBursts(t *testing.T) {
	var hits atomic.Int32
	var down atomic.Bool
	statuses := []int{503, 429, 502}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := int(hits.Add(1)); down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		} else if n <= len(statuses) {
			w.WriteHeader(statuses[n-1])
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	p := &Prober{Client: srv.Client(), Fetcher: &jwks.Fetcher{NoCache: true}, Retry: &fastRetry}
	cfg := &brand.Config{CIAM: brand.CIAM{UserinfoEndpoint: srv.URL}}
	if r := p.Userinfo(context.Background(), cfg); !r.OK() || hits.Load() != 4 {
		t.Errorf("burst then 401: %d requests, %+v", hits.Load(), r)
	}

	down.Store(true)
	r := p.Userinfo(context.Background(), cfg)
	want := "GET " + srv.URL + ": HTTP 503 Service Unavailable (server failure after 4 attempts; try again later)"
	if r.OK() || !r.Unreachable() || len(r.Findings) != 1 || r.Findings[0].Message != want {
		t.Errorf("persistent 503: %+v\nwant %s", r.Findings, want)
	}
}

// A server that never answers is unreachable within the timeout.
func TestUserinfoTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	p := &Prober{Client: srv.Client(), Fetcher: &jwks.Fetcher{NoCache: true}, Timeout: 100 * time.Millisecond}
	r := p.Userinfo(context.Background(), &brand.Config{CIAM: brand.CIAM{UserinfoEndpoint: srv.URL}})
	if r.OK() || !r.Unreachable() {
		t.Errorf("hanging server: %+v", r)
	}
}

func TestDiscoverySkippedWithoutIssuer(t *testing.T) {
	p := &Prober{Client: http.DefaultClient, Fetcher: &jwks.Fetcher{NoCache: true}}
	if r := p.Discovery(context.Background(), &brand.Config{}); !r.Skipped || !r.OK() {
		t.Errorf("%+v", r)
	}
}
