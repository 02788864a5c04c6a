package jwks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A query token in a JWKS URL is neither stored in the cache metadata nor
// shown in errors, and the cache still serves the URL it was fetched from.
func TestURLSecretsKeptOutOfCacheAndErrors(t *testing.T) {
	const secret = "qv-Secret-6"
	srv := newJWKSServer(t, serve(goodSetJSON(t), "Cache-Control", "max-age=300"))
	f := newFetcher(t, srv, &clock{testNow})
	u := srv.URL + "/jwks.json?access_token=" + secret
	for range 2 {
		if _, err := f.Load(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("the server was asked %d times; the second load should come from the cache", n)
	}
	metas, _ := filepath.Glob(filepath.Join(f.CacheDir, "*.meta.json"))
	if len(metas) != 1 {
		t.Fatalf("want one metadata file, got %v", metas)
	}
	b, _ := os.ReadFile(metas[0])
	if strings.Contains(string(b), secret) || !strings.Contains(string(b), "access_token=REDACTED") {
		t.Errorf("metadata:\n%s", b)
	}

	srv.set(serve([]byte("not json")))
	f.NoCache = true
	_, err := f.Load(t.Context(), u)
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "access_token=REDACTED") {
		t.Errorf("error: %v", err)
	}
}
