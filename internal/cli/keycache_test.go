//go:build unix

package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// A key cache others can write to is ignored with one warning on stderr,
// and the command goes on with a fetched set.
func TestUnsafeKeyCacheWarnsAndFetches(t *testing.T) {
	body, err := os.ReadFile(tkJWKSFile(t))
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Cache-Control", "max-age=600")
		w.Write(body)
	}))
	defer srv.Close()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CIAMCTL_CACHE_DIR": dir}
	for run := 1; run <= 2; run++ {
		res := clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--jwks", srv.URL+"/jwks",
			"--issuer", tkIssuer, "--audience", tkAudience, tkSign(t, "main", nil))
		if res.Code != 0 {
			t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
		}
		want := "warning: ignoring the key cache " + dir + ": the directory is writable by group or others (mode 0777); run chmod 700 " + dir + "\n"
		if res.Stderr != want {
			t.Errorf("stderr %q, want %q", res.Stderr, want)
		}
		if hits != run {
			t.Errorf("run %d: %d fetches; the unsafe cache must not be used", run, hits)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the unsafe cache was written: %d entries", len(entries))
	}
}
