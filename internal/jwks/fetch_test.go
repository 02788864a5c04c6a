package jwks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
)

// jwksServer serves body with headers and counts requests; the handler may
// be swapped between steps.
type jwksServer struct {
	*httptest.Server
	hits    atomic.Int32
	mu      sync.Mutex
	handler http.HandlerFunc
}

func newJWKSServer(t *testing.T, h http.HandlerFunc) *jwksServer {
	s := &jwksServer{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		h := s.handler
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

func goodSetJSON(t *testing.T) []byte {
	testKeys(t)
	return setJSON(t, jwkMap(t, &keyMaterial.p256.PublicKey, map[string]any{"kid": "ec", "alg": "ES256", "use": "sig"}))
}

func serve(body []byte, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// fastRetry is the default retry policy with millisecond backoff, so tests
// of failures that are retried stay fast.
var fastRetry = httpget.Policy{MaxRetries: 3, Base: time.Millisecond, Cap: 10 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}

func newFetcher(t *testing.T, srv *jwksServer, clk *clock) *Fetcher {
	return &Fetcher{Client: srv.Client(), CacheDir: t.TempDir(), Now: clk.now, Timeout: 5 * time.Second, Retry: &fastRetry}
}

func TestFetchCacheMaxAge(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "public, max-age=300"))
	clk := &clock{testNow}
	f := newFetcher(t, srv, clk)
	url := srv.URL + "/jwks.json?tenant=acme"
	ctx := t.Context()

	if _, err := f.Load(ctx, url); err != nil {
		t.Fatal(err)
	}
	// A second Fetcher (another ciamctl run) over the same cache dir.
	f2 := &Fetcher{Client: srv.Client(), CacheDir: f.CacheDir, Now: clk.now}
	clk.t = testNow.Add(299 * time.Second)
	set, err := f2.Load(ctx, url)
	if err != nil || len(set.Usable()) != 1 {
		t.Fatal(set, err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("within max-age: %d requests, want 1", n)
	}
	// Refresh ignores max-age.
	if _, err := f2.Refresh(ctx, url); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("after Refresh: %d requests, want 2", n)
	}
	// Expired: fetched again.
	clk.t = testNow.Add(301 * time.Second)
	if _, err := f2.Load(ctx, url); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("Refresh restarted max-age; got %d requests, want 2", n)
	}
	clk.t = testNow.Add(302*time.Second + 300*time.Second)
	if _, err := f2.Load(ctx, url); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 3 {
		t.Fatalf("after max-age: %d requests, want 3", n)
	}
	// Nothing but the two cache files, named by hash, no temp files left.
	entries, _ := os.ReadDir(f.CacheDir)
	if len(entries) != 2 {
		t.Errorf("cache dir holds %d entries, want 2", len(entries))
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "acme") || strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("unexpected cache file %s", e.Name())
		}
	}
}

func TestFetchETagRevalidation(t *testing.T) {
	body := goodSetJSON(t)
	var inm atomic.Value
	srv := newJWKSServer(t, func(w http.ResponseWriter, r *http.Request) {
		inm.Store(r.Header.Get("If-None-Match"))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	})
	f := newFetcher(t, srv, &clock{testNow})
	for i := range 3 {
		set, err := f.Load(t.Context(), srv.URL)
		if err != nil || len(set.Usable()) != 1 {
			t.Fatalf("load %d: %v", i, err)
		}
	}
	if n := srv.hits.Load(); n != 3 {
		t.Errorf("%d requests, want 3 (no-cache revalidates every time)", n)
	}
	if got := inm.Load(); got != `"v1"` {
		t.Errorf("If-None-Match = %v", got)
	}
}

func TestFetchNoStoreAndNoCache(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "no-store, max-age=600"))
	f := newFetcher(t, srv, &clock{testNow})
	for range 2 {
		if _, err := f.Load(t.Context(), srv.URL); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("no-store: %d requests, want 2", n)
	}
	if entries, _ := os.ReadDir(f.CacheDir); len(entries) != 0 {
		t.Errorf("no-store response was cached: %v", entries)
	}

	srv2 := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	f2 := newFetcher(t, srv2, &clock{testNow})
	f2.NoCache = true
	for range 2 {
		if _, err := f2.Load(t.Context(), srv2.URL); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv2.hits.Load(); n != 2 {
		t.Errorf("NoCache: %d requests, want 2", n)
	}
}

func TestFetchTooLarge(t *testing.T) {
	big := append([]byte(`{"keys":[],"pad":"`), make([]byte, MaxBytes+10)...)
	for name, h := range map[string]http.HandlerFunc{
		"content-length": serve(big),
		"chunked": func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 40; i++ {
				_, _ = w.Write(make([]byte, 64<<10))
				w.(http.Flusher).Flush()
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newJWKSServer(t, h)
			_, err := newFetcher(t, srv, &clock{testNow}).Load(t.Context(), srv.URL)
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, httpget.ErrTooLarge) || !strings.Contains(err.Error(), "too large") {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	other := newJWKSServer(t, serve(goodSetJSON(t)))
	srv := newJWKSServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/jwks.json", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/jwks.json", http.StatusMovedPermanently)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			serve(goodSetJSON(t))(w, r)
		}
	})
	f := newFetcher(t, srv, &clock{testNow})
	f.NoCache = true

	_, err := f.Load(t.Context(), srv.URL+"/away")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "redirect to another origin") {
		t.Errorf("cross-host redirect: %v", err)
	}
	if n := other.hits.Load(); n != 0 {
		t.Errorf("the other host was contacted %d times", n)
	}
	if _, err := f.Load(t.Context(), srv.URL+"/same"); err != nil {
		t.Errorf("same-host redirect: %v", err)
	}
	if _, err := f.Load(t.Context(), srv.URL+"/loop"); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
}

func TestFetchErrorsNameURLAndCause(t *testing.T) {
	srv := newJWKSServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			http.Error(w, "secret internal detail", http.StatusInternalServerError)
		case "/json":
			_, _ = w.Write([]byte("<html>login</html>"))
		case "/empty":
			_, _ = w.Write([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
		case "/slow":
			<-r.Context().Done()
		}
	})
	f := newFetcher(t, srv, &clock{testNow})
	f.NoCache = true

	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/jwks"
	closed.Close()

	cases := []struct{ url, cause string }{
		{srv.URL + "/500", "HTTP 500"},
		{srv.URL + "/json", "not a valid JWKS"},
		{closedURL, "connection refused"},
	}
	for _, c := range cases {
		_, err := f.Load(t.Context(), c.url)
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: %v does not wrap ErrUnavailable", c.url, err)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "jwks "+c.url+": ") || !strings.Contains(msg, c.cause) || strings.Contains(msg, "secret") || strings.Contains(msg, "\n") {
			t.Errorf("%s: message %q", c.url, msg)
		}
	}

	set, err := f.Load(t.Context(), srv.URL+"/empty")
	if !errors.Is(err, ErrNoUsableKeys) || !errors.Is(err, ErrUnavailable) || set == nil || len(set.Problems) == 0 {
		t.Errorf("no usable keys: %v %+v", err, set)
	}

	f.Timeout = 20 * time.Millisecond
	if _, err := f.Load(t.Context(), srv.URL+"/slow"); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("timeout: %v", err)
	}
}

func TestFetchLocations(t *testing.T) {
	f := &Fetcher{NoCache: true}
	for _, loc := range []string{"ftp://example.com/jwks.json", "file:///etc/passwd", "gopher://x", ""} {
		_, err := f.Load(t.Context(), loc)
		if !errors.Is(err, ErrBadLocation) || !errors.Is(err, ErrUnavailable) {
			t.Errorf("%q: %v", loc, err)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(path, goodSetJSON(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if set, err := f.Load(t.Context(), path); err != nil || len(set.Usable()) != 1 {
		t.Errorf("file: %v", err)
	}
	if _, err := f.Refresh(t.Context(), path); err != nil {
		t.Errorf("file refresh: %v", err)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, err := f.Load(t.Context(), missing); !errors.Is(err, ErrUnavailable) || err.Error() != "jwks "+missing+": no such file" {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, MaxBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Load(t.Context(), big); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "too large") {
		t.Errorf("big file: %v", err)
	}
}

func TestFetchCorruptCacheIsAMiss(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	f := newFetcher(t, srv, &clock{testNow})
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	body, _ := cachePaths(f.CacheDir, srv.URL)
	if err := os.WriteFile(body, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestParseCacheControl(t *testing.T) {
	for in, want := range map[string]int64{
		"max-age=60":                    60,
		"public, MAX-AGE=120":           120,
		"no-cache, max-age=60":          0,
		"no-store":                      0,
		"max-age=abc":                   0,
		`max-age="30", must-revalidate`: 30,
	} {
		h := http.Header{"Cache-Control": {in}}
		if got := parseCacheControl(h).maxAge; got != want {
			t.Errorf("%q: %d, want %d", in, got, want)
		}
	}
	h := http.Header{"Cache-Control": {"max-age=100"}, "Age": {"30"}}
	if got := parseCacheControl(h).maxAge; got != 70 {
		t.Errorf("with Age: %d", got)
	}
}
