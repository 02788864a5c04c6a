package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// onlineCIAM is an httptest CIAM serving any number of tenants under
// /t/<name>: discovery, JWKS and a userinfo endpoint that wants a token.
type onlineCIAM struct {
	srv      *httptest.Server
	requests atomic.Int32
	inFlight atomic.Int32
	maxInFl  atomic.Int32

	latency        time.Duration
	issuerOverride string // discovery names this issuer instead
	jwksBody       []byte
	userinfoStatus int
}

func newOnlineCIAM(t *testing.T, configure func(*onlineCIAM)) *onlineCIAM {
	c := &onlineCIAM{jwksBody: tkKey(t, "main").pub, userinfoStatus: http.StatusUnauthorized}
	if configure != nil {
		configure(c)
	}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.requests.Add(1)
		n := c.inFlight.Add(1)
		defer c.inFlight.Add(-1)
		for m := c.maxInFl.Load(); n > m && !c.maxInFl.CompareAndSwap(m, n); m = c.maxInFl.Load() {
		}
		if c.latency > 0 {
			time.Sleep(c.latency)
		}
		parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/t/"), "/", 2)
		if len(parts) != 2 {
			http.NotFound(w, r)
			return
		}
		issuer := c.srv.URL + "/t/" + parts[0]
		switch parts[1] {
		case ".well-known/openid-configuration":
			iss := issuer
			if c.issuerOverride != "" {
				iss = c.issuerOverride
			}
			json.NewEncoder(w).Encode(map[string]any{
				"issuer": iss, "jwks_uri": issuer + "/jwks", "userinfo_endpoint": issuer + "/userinfo",
				"id_token_signing_alg_values_supported": []string{"ES256"},
			})
		case "jwks":
			w.Write(c.jwksBody)
		case "userinfo":
			if r.Header.Get("Authorization") != "" {
				t.Error("userinfo probe sent credentials")
			}
			w.Header().Set("WWW-Authenticate", "Bearer")
			w.WriteHeader(c.userinfoStatus)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// writeOnlineBrand writes a valid brand whose CIAM is tenant name of base.
func writeOnlineBrand(t *testing.T, dir, name, base string) string {
	t.Helper()
	issuer := base + "/t/" + name
	yaml := fmt.Sprintf(`apiVersion: ciamctl/v1
kind: BrandConfig
brand: %[1]s
ciam:
  applicationId: app-%[1]s
  clientId: %[1]s-loyalty
  issuer: %[2]s
  userinfoEndpoint: %[2]s/userinfo
  jwksUri: %[2]s/jwks
  algorithms: [ES256]
mappings:
  email: email
`, name, issuer)
	path := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOnlineValidateHealthy(t *testing.T) {
	ciam := newOnlineCIAM(t, nil)
	dir := t.TempDir()
	writeOnlineBrand(t, dir, "acme", ciam.srv.URL)

	offline := clitest.Run(t, clitest.Opts{}, "config", "validate", "--dir", dir)
	if offline.Code != 0 || ciam.requests.Load() != 0 {
		t.Fatalf("offline: exit %d, %d requests: %s", offline.Code, ciam.requests.Load(), offline.Stdout)
	}
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir)
	if res.Code != 0 {
		t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if n := ciam.requests.Load(); n != 3 {
		t.Errorf("%d requests, want discovery, JWKS and userinfo", n)
	}
	if !strings.Contains(res.Stdout, "online: 1 brand checked\n") || !strings.Contains(res.Stdout, "✓ 1 brand file valid") {
		t.Errorf("output:\n%s", res.Stdout)
	}
	// JSON keeps the contract shape and has nothing unreachable.
	js := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir, "-o", "json")
	var rep map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js.Stdout), &rep); err != nil || string(rep["valid"]) != "true" || rep["unreachable"] != nil {
		t.Errorf("json: %v %s", err, js.Stdout)
	}
	if res := clitest.Run(t, clitest.Opts{}, "config", "validate", "--no-cache", "--dir", dir); res.Code != 2 {
		t.Errorf("--no-cache without --online: exit %d", res.Code)
	}
}

func TestOnlineValidateFindsProblems(t *testing.T) {
	oct, err := os.ReadFile(filepath.Join(clitest.RepoRoot(t), "testdata", "jwks", "rfc7515-a1-oct.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		configure func(*onlineCIAM)
		code      int
		line      string // a problem line, as a regexp
	}{
		{"issuer mismatch", func(c *onlineCIAM) { c.issuerOverride = "https://evil.example/" },
			1, `brand\.yaml:7:11: error: ciam\.issuer: discovery .*: document is for issuer "https://evil\.example/"`},
		{"unusable JWKS", func(c *onlineCIAM) { c.jwksBody = oct },
			1, `brand\.yaml:9:12: error: ciam\.jwksUri: JWKS key "#0": symmetric \(oct\) key published`},
		{"not a JWKS", func(c *onlineCIAM) { c.jwksBody = []byte(`<html>`) },
			1, `brand\.yaml:9:12: error: ciam\.jwksUri: jwks .*: not a valid JWKS`},
		{"userinfo missing", func(c *onlineCIAM) { c.userinfoStatus = http.StatusNotFound },
			1, `brand\.yaml:8:21: error: ciam\.userinfoEndpoint: GET .*/userinfo: HTTP 404 Not Found; check the URL`},
		{"userinfo server error", func(c *onlineCIAM) { c.userinfoStatus = http.StatusBadGateway },
			3, `brand\.yaml:8:21: error: ciam\.userinfoEndpoint: GET .*: HTTP 502 Bad Gateway \(server failure`},
		{"userinfo forbidden is fine", func(c *onlineCIAM) { c.userinfoStatus = http.StatusForbidden }, 0, ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ciam := newOnlineCIAM(t, tc.configure)
			dir := t.TempDir()
			writeOnlineBrand(t, dir, "brand", ciam.srv.URL)
			res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir)
			if res.Code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.Code, tc.code, res.Stdout, res.Stderr)
			}
			if tc.line != "" && !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(dir)+`/`+tc.line).MatchString(res.Stdout) {
				t.Errorf("no line matching %q in\n%s", tc.line, res.Stdout)
			}
			if tc.code == 3 && !strings.Contains(res.Stderr, "could not reach the CIAM of brand brand") {
				t.Errorf("stderr %q", res.Stderr)
			}
		})
	}
}

func TestOnlineValidateUnreachableAndSkipped(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	ciam := newOnlineCIAM(t, nil)
	dir := t.TempDir()
	writeOnlineBrand(t, dir, "gone", downURL)
	writeOnlineBrand(t, dir, "fine", ciam.srv.URL)
	// A brand with offline errors is not checked online.
	os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: broken\n"), 0o644)

	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir, "-o", "json")
	if res.Code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	var rep struct {
		Valid       bool     `json:"valid"`
		Unreachable []string `json:"unreachable"`
		Problems    []struct {
			File, Field, Message, Severity string
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Valid || len(rep.Unreachable) != 1 || rep.Unreachable[0] != "gone" {
		t.Errorf("report %+v", rep)
	}
	fields := map[string]bool{}
	for _, p := range rep.Problems {
		if strings.HasSuffix(p.File, "gone.yaml") {
			fields[p.Field] = true
			if !strings.Contains(p.Message, "connection refused") {
				t.Errorf("message %q", p.Message)
			}
		}
		if strings.HasSuffix(p.File, "fine.yaml") {
			t.Errorf("problem for the healthy brand: %+v", p)
		}
	}
	if !fields["ciam.issuer"] || !fields["ciam.jwksUri"] || !fields["ciam.userinfoEndpoint"] {
		t.Errorf("unreachable brand problems by field: %v", fields)
	}
	if n := ciam.requests.Load(); n != 3 {
		t.Errorf("%d requests to the healthy CIAM, want 3", n)
	}

	gh := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir, "--format", "github")
	if gh.Code != 3 || !strings.Contains(gh.Stdout, "::error file="+filepath.ToSlash(dir)+"/gone.yaml,line=9,col=12,") ||
		!strings.Contains(gh.Stderr, "online: 2 brands checked, 1 not reachable, 1 skipped") {
		t.Errorf("github: exit %d\n%s%s", gh.Code, gh.Stdout, gh.Stderr)
	}
}

// Fifty brands behind a slow CIAM are checked at once: the server sees far
// more requests in flight than one brand's three (a serial run would take
// 50 brands × 200ms), so the run takes about one round trip, not fifty.
func TestOnlineValidateManyBrandsConcurrently(t *testing.T) {
	ciam := newOnlineCIAM(t, func(c *onlineCIAM) { c.latency = 200 * time.Millisecond })
	dir := t.TempDir()
	for i := range 50 {
		writeOnlineBrand(t, dir, fmt.Sprintf("brand-%02d", i), ciam.srv.URL)
	}
	start := time.Now()
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir)
	elapsed := time.Since(start)
	if res.Code != 0 {
		t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if n := ciam.requests.Load(); n != 150 {
		t.Errorf("%d requests, want 150", n)
	}
	if m := ciam.maxInFl.Load(); m < 50 {
		t.Errorf("at most %d requests in flight; the brands are not checked concurrently", m)
	}
	if elapsed > 5*time.Second {
		t.Errorf("took %s; the brands are not checked concurrently", elapsed)
	}
	t.Logf("50 brands at 200ms latency: %s, %d requests in flight at most", elapsed.Round(time.Millisecond), ciam.maxInFl.Load())
	if !strings.Contains(res.Stdout, "online: 50 brands checked") {
		t.Errorf("output:\n%s", res.Stdout)
	}
}
