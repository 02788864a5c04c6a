//go:build unix

package jwks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// warnings collects what a Fetcher warns about.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(msg string) { w.mu.Lock(); w.msgs = append(w.msgs, msg); w.mu.Unlock() }

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

// attackerSet is a valid set with a key nobody trusts, planted in the cache.
func attackerSet(t *testing.T) []byte {
	testKeys(t)
	return setJSON(t, jwkMap(t, keyMaterial.ed.Public(), map[string]any{"kid": "planted", "alg": "EdDSA", "use": "sig"}))
}

// plant writes a fresh-looking cache entry for url, as another local user
// with write access to the cache would.
func plant(t *testing.T, dir, url string, body []byte) (bodyPath, metaPath string) {
	t.Helper()
	bodyPath, metaPath = cachePaths(dir, url)
	sum := sha256.Sum256(body)
	meta, err := json.Marshal(cacheMeta{URL: url, FetchedAt: testNow, MaxAge: 3600, BodySHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bodyPath, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(metaPath, meta, 0o600); err != nil {
		t.Fatal(err)
	}
	return bodyPath, metaPath
}

// loadIgnoringCache loads url once and asserts that the planted entry was
// neither used nor rewritten, that the server was asked, and that exactly
// one kind of warning names path, want and a fix.
func loadIgnoringCache(t *testing.T, f *Fetcher, srv *jwksServer, w *warnings, url, path, want, fix string, planted map[string][]byte) {
	t.Helper()
	set, err := f.Load(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	if set.HasKid("planted") || !set.HasKid("ec") {
		t.Fatalf("the planted key set was used: %+v", set.Keys)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1 (the cache must be ignored)", n)
	}
	for p, content := range planted {
		if got, err := os.ReadFile(p); err == nil && !bytes.Equal(got, content) {
			t.Errorf("%s was rewritten: an unsafe cache must not be written", p)
		}
	}
	msgs := w.all()
	if len(msgs) == 0 {
		t.Fatal("no warning")
	}
	m := msgs[0]
	if !strings.Contains(m, path) || !strings.Contains(m, want) || !strings.Contains(m, fix) || strings.Contains(m, "\n") {
		t.Errorf("warning %q: want one line naming %s, %q and %q", m, path, want, fix)
	}
	// A second load in the same run warns no more.
	if _, err := f.Load(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != len(msgs) {
		t.Errorf("warned again: %q", got)
	}
}

func safetyFetcher(t *testing.T, srv *jwksServer, dir string) (*Fetcher, *warnings) {
	w := &warnings{}
	return &Fetcher{Client: srv.Client(), CacheDir: dir, Now: (&clock{testNow}).now, Timeout: 5 * time.Second, Retry: &fastRetry, Warn: w.add}, w
}

func TestCacheGroupWritableDirIsIgnored(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	body, meta := plant(t, dir, srv.URL, attackerSet(t))
	if err := os.Chmod(dir, 0o770); err != nil {
		t.Fatal(err)
	}
	f, w := safetyFetcher(t, srv, dir)
	loadIgnoringCache(t, f, srv, w, srv.URL, dir, "writable by group or others", "chmod 700 "+dir,
		map[string][]byte{body: attackerSet(t), meta: mustReadFile(t, meta)})
}

func TestCacheWorldWritableFileIsIgnored(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	body, _ := plant(t, dir, srv.URL, attackerSet(t))
	if err := os.Chmod(body, 0o666); err != nil {
		t.Fatal(err)
	}
	f, w := safetyFetcher(t, srv, dir)
	loadIgnoringCache(t, f, srv, w, srv.URL, body, "writable by group or others", "rm "+body,
		map[string][]byte{body: attackerSet(t)})
}

func TestCacheFileOwnedByAnotherUserIsIgnored(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file to another uid (chown); the mode and symlink tests cover the rest")
	}
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	_, meta := plant(t, dir, srv.URL, attackerSet(t))
	if err := os.Chown(meta, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	f, w := safetyFetcher(t, srv, dir)
	loadIgnoringCache(t, f, srv, w, srv.URL, meta, "owned by uid 4242", "rm "+meta,
		map[string][]byte{meta: mustReadFile(t, meta)})
}

func TestCacheDirOwnedByAnotherUserIsIgnored(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a directory to another uid (chown)")
	}
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	plant(t, dir, srv.URL, attackerSet(t))
	if err := os.Chown(dir, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	f, w := safetyFetcher(t, srv, dir)
	loadIgnoringCache(t, f, srv, w, srv.URL, dir, "owned by uid 4242", "chown", nil)
}

func TestCacheSymlinkedFileIsIgnored(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	elsewhere := t.TempDir()
	body, _ := plant(t, dir, srv.URL, attackerSet(t))
	target := filepath.Join(elsewhere, "keys.json")
	if err := os.Rename(body, target); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, body); err != nil {
		t.Fatal(err)
	}
	f, w := safetyFetcher(t, srv, dir)
	loadIgnoringCache(t, f, srv, w, srv.URL, body, "symbolic link", "rm "+body,
		map[string][]byte{target: attackerSet(t)})
	if fi, err := os.Lstat(body); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: an unsafe cache must not be written")
	}
}

func TestCacheOversizedFileIsIgnored(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	// A valid set padded past 1 MiB, with metadata that matches it.
	huge := append(attackerSet(t)[:len(attackerSet(t))-1], []byte(`,"pad":"`+strings.Repeat("x", MaxBytes)+`"}`)...)
	body, _ := plant(t, dir, srv.URL, huge)
	f, w := safetyFetcher(t, srv, dir)
	loadIgnoringCache(t, f, srv, w, srv.URL, body, "larger than 1 MiB", "rm "+body, map[string][]byte{body: huge})
}

// A server asking for ten days of caching gets at most a day, so a key the
// provider removed stops verifying within a day.
func TestCacheMaxAgeCappedAtADay(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=864000"))
	clk := &clock{testNow}
	f := &Fetcher{Client: srv.Client(), CacheDir: t.TempDir(), Now: clk.now, Timeout: 5 * time.Second, Retry: &fastRetry}
	for _, step := range []struct {
		at   time.Duration
		hits int32
	}{{0, 1}, {23 * time.Hour, 1}, {24*time.Hour + time.Second, 2}, {47 * time.Hour, 2}, {49 * time.Hour, 3}} {
		clk.t = testNow.Add(step.at)
		if _, err := f.Load(t.Context(), srv.URL); err != nil {
			t.Fatal(err)
		}
		if n := srv.hits.Load(); n != step.hits {
			t.Errorf("after %v: %d requests, want %d", step.at, n, step.hits)
		}
	}
	// An entry written before the cap (ten days in its metadata) is capped too.
	dir := t.TempDir()
	_, metaPath := plant(t, dir, srv.URL, goodSetJSON(t))
	var meta cacheMeta
	if err := json.Unmarshal(mustReadFile(t, metaPath), &meta); err != nil {
		t.Fatal(err)
	}
	meta.MaxAge = 864000
	b, _ := json.Marshal(meta)
	if err := os.WriteFile(metaPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	clk.t = testNow.Add(25 * time.Hour)
	f2 := &Fetcher{Client: srv.Client(), CacheDir: dir, Now: clk.now, Timeout: 5 * time.Second, Retry: &fastRetry}
	before := srv.hits.Load()
	if _, err := f2.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if srv.hits.Load() != before+1 {
		t.Error("a ten-day entry written earlier was still trusted after 25 hours")
	}
}

// The cache is created private: directory 0700, files 0600.
func TestCacheCreatedPrivate(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := filepath.Join(t.TempDir(), "ciamctl", "jwks")
	f := &Fetcher{Client: srv.Client(), CacheDir: dir, Now: (&clock{testNow}).now, Timeout: 5 * time.Second, Retry: &fastRetry}
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Dir(dir), dir} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", p, fi.Mode().Perm(), err)
		}
	}
	body, meta := cachePaths(dir, srv.URL)
	for _, p := range []string{body, meta} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", p, fi, err)
		}
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// config validate --online loads many brands' sets through one Fetcher at
// once: its Warn callback (which writes to stderr) is called by one
// goroutine at a time. Run with -race: the collector below has no lock.
func TestCacheWarningsAreSerialized(t *testing.T) {
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=600"))
	dir := t.TempDir()
	var urls []string
	for i := range 4 {
		url := srv.URL + "/jwks/" + string(rune('a'+i))
		body, _ := plant(t, dir, url, attackerSet(t))
		if err := os.Chmod(body, 0o666); err != nil {
			t.Fatal(err)
		}
		urls = append(urls, url)
	}
	var msgs []string
	f := &Fetcher{Client: srv.Client(), CacheDir: dir, Now: (&clock{testNow}).now, Timeout: 5 * time.Second, Retry: &fastRetry,
		Warn: func(m string) { msgs = append(msgs, m) }}
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Go(func() {
			if _, err := f.Load(t.Context(), url); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(msgs) != len(urls) {
		t.Errorf("%d warnings, want %d: %q", len(msgs), len(urls), msgs)
	}
}
