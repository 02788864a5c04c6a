package jwks

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A burst of 5xx and 429 that clears is retried to success, and the set is
// cached as usual.
func TestFetchRetriesBurstThenCaches(t *testing.T) {
	body := goodSetJSON(t)
	statuses := []int{503, 429, 500}
	srv := newJWKSServer(t, nil)
	srv.set(func(w http.ResponseWriter, r *http.Request) {
		if n := int(srv.hits.Load()); n <= len(statuses) {
			http.Error(w, "busy", statuses[n-1])
			return
		}
		serve(body, "Cache-Control", "max-age=60")(w, r)
	})
	f := newFetcher(t, srv, &clock{testNow})
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	if entries, _ := os.ReadDir(f.CacheDir); len(entries) != 2 {
		t.Errorf("cache holds %d files, want 2", len(entries))
	}
}

// A fetch that fails — here a body cut short on every attempt — writes no
// cache file, not even a temporary one; and a failed revalidation leaves an
// existing entry byte-identical.
func TestFetchFailureWritesNothing(t *testing.T) {
	body := goodSetJSON(t)
	truncated := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		_, _ = w.Write(body[:len(body)/2])
	}
	srv := newJWKSServer(t, truncated)
	f := newFetcher(t, srv, &clock{testNow})
	_, err := f.Load(t.Context(), srv.URL)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "connection closed before a complete answer after 4 attempts") {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(f.CacheDir); len(entries) != 0 {
		t.Errorf("a failed fetch left %d cache files", len(entries))
	}

	// Cache a set that must be revalidated, then fail the revalidation.
	srv.set(serve(body, "ETag", `"v1"`, "Cache-Control", "no-cache"))
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, f.CacheDir)
	srv.set(truncated)
	if _, err := f.Load(t.Context(), srv.URL); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("revalidation against a broken server: %v", err)
	}
	if after := snapshot(t, f.CacheDir); !equalSnapshots(before, after) {
		t.Errorf("a failed revalidation changed the cache:\n%v\n%v", before, after)
	}
}

// A fetch that runs out of the fetcher's own timeout says how long it
// waited.
func TestFetchTimeoutNamesTheLimit(t *testing.T) {
	srv := newJWKSServer(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	f := newFetcher(t, srv, &clock{testNow})
	f.Timeout = 30 * time.Millisecond
	_, err := f.Load(t.Context(), srv.URL)
	if want := "jwks " + srv.URL + ": timed out (after 30ms)"; err == nil || err.Error() != want {
		t.Errorf("err %v, want %s", err, want)
	}
	// The caller's own deadline is the caller's to explain.
	f.Timeout = time.Minute
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	if _, err := f.Load(ctx, srv.URL); err == nil || strings.Contains(err.Error(), "after") {
		t.Errorf("caller's deadline: %v", err)
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

func equalSnapshots(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
