package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

func discoveryServer(t *testing.T, issuerOverride string) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		iss := srv.URL
		if issuerOverride != "" {
			iss = issuerOverride
		}
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss, "jwks_uri": srv.URL + "/keys", "userinfo_endpoint": srv.URL + "/userinfo",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestBrandAddDiscover(t *testing.T) {
	srv, hits := discoveryServer(t, "")
	dir := t.TempDir()
	res := clitest.Run(t, clitest.Opts{}, "brand", "add", "--no-input", "--dir", dir, "--name", "acme",
		"--application-id", "app", "--client-id", "acme-loyalty", "--map", "email=email",
		"--userinfo-endpoint", "https://id.acme.example/userinfo", // a flag wins over discovery
		"--discover", srv.URL)
	if res.Code != 0 || hits.Load() != 1 {
		t.Fatalf("exit %d, %d discovery requests: %s", res.Code, hits.Load(), res.Stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	for _, want := range []string{"issuer: " + srv.URL, "jwksUri: " + srv.URL + "/keys", "userinfoEndpoint: https://id.acme.example/userinfo"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("file lacks %q:\n%s", want, data)
		}
	}
}

func TestBrandAddDiscoverFailures(t *testing.T) {
	mismatch, _ := discoveryServer(t, "https://evil.example/")
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	cases := []struct {
		name, issuer string
		code         int
	}{
		{"issuer mismatch", mismatch.URL, 1},
		{"connection refused", downURL, 3},
		{"not https", "http://id.example.com/", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			res := clitest.Run(t, clitest.Opts{}, "brand", "add", "--no-input", "--dir", dir, "--name", "acme",
				"--application-id", "app", "--client-id", "c", "--discover", c.issuer)
			if res.Code != c.code {
				t.Fatalf("exit %d, want %d: %s", res.Code, c.code, res.Stderr)
			}
			if !strings.HasPrefix(res.Stderr, "error: --discover") {
				t.Errorf("stderr %q", res.Stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("failed discovery wrote files: %v", entries)
			}
		})
	}
}
