package cli_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// dialLog is an HTTP client factory whose dialer records every address it
// is asked for; only loopback addresses are really dialled.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

func (d *dialLog) client() *http.Client {
	var dialer net.Dialer
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		d.mu.Lock()
		d.addrs = append(d.addrs, addr)
		d.mu.Unlock()
		if host, _, _ := net.SplitHostPort(addr); host == "127.0.0.1" {
			return dialer.DialContext(ctx, network, addr)
		}
		return nil, errors.New("test dialer: only loopback is reachable")
	}}}
}

func (d *dialLog) all() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}

// Every URL ciamctl would send something to follows the brand files' rule:
// https, or http to a loopback host, and no credentials in it. A refused URL
// is a one-line usage error (exit 2) naming the flag, variable or argument,
// made before any connection, and it never shows a password.
func TestCleartextAndCredentialURLsRefused(t *testing.T) {
	p := newPlatform(t)
	idToken := p.token("alice")
	const urlPassword = "Url-Pass-123"
	intouchEnv := func(url string) map[string]string {
		env := map[string]string{}
		for k, v := range p.env {
			env[k] = v
		}
		env["CIAMCTL_INTOUCH_URL"] = url
		return env
	}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"CIAMCTL_INTOUCH_URL http", intouchEnv("http://example.com/api"), []string{"channel", "list"}, "CIAMCTL_INTOUCH_URL http://example.com/api: plain http"},
		{"CIAMCTL_INTOUCH_URL credentials", intouchEnv("https://user:" + urlPassword + "@example.com"), []string{"channel", "list"}, "CIAMCTL_INTOUCH_URL https://REDACTED@example.com: carries credentials"},
		{"--intouch-url http", p.env, []string{"channel", "list", "--intouch-url", "http://example.com"}, "--intouch-url http://example.com: plain http"},
		{"--intouch-url credentials", p.env, []string{"channel", "link", "--brand", "acme", "--intouch-url", "http://admin:" + urlPassword + "@127.0.0.1:1"}, "--intouch-url http://REDACTED@127.0.0.1:1: carries credentials"},
		{"--jwks http", p.env, []string{"token", "verify", "--jwks", "http://example.com/jwks.json", "--issuer", p.iss, "--audience", "acme-loyalty", idToken}, "jwks http://example.com/jwks.json: plain http"},
		{"--jwks credentials", p.env, []string{"token", "verify", "--jwks", "https://u:" + urlPassword + "@example.com/jwks.json?key=qv-secret", "--issuer", p.iss, "--audience", "acme-loyalty", idToken}, "jwks https://REDACTED@example.com/jwks.json?key=REDACTED: carries credentials"},
		{"jwks inspect http", p.env, []string{"jwks", "inspect", "http://example.com/jwks.json"}, "jwks http://example.com/jwks.json: plain http"},
		{"jwks inspect credentials", p.env, []string{"jwks", "inspect", "https://u:" + urlPassword + "@example.com/jwks.json"}, "carries credentials"},
		{"brand add --discover http", p.env, []string{"brand", "add", "--no-input", "--name", "disc", "--application-id", "app", "--client-id", "c", "--discover", "http://example.com/", "--map", "email=email"}, "--discover"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var dials dialLog
			res := clitest.Run(t, clitest.Opts{Env: tc.env, HTTPClient: dials.client}, append(tc.args, "--dir", p.dir)...)
			if res.Code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", res.Code, res.Stderr)
			}
			first, _, _ := strings.Cut(res.Stderr, "\n")
			if !strings.Contains(first, tc.want) {
				t.Errorf("first stderr line %q does not say %q", first, tc.want)
			}
			if strings.Contains(res.Stdout+res.Stderr, urlPassword) || strings.Contains(res.Stdout+res.Stderr, "qv-secret") {
				t.Errorf("a secret from the URL is shown:\n%s%s", res.Stdout, res.Stderr)
			}
			if got := dials.all(); len(got) > 0 {
				t.Errorf("connections were made: %v", got)
			}
		})
	}
}

// An allowed loopback http URL that redirects to a non-loopback http URL is
// not followed: the redirect leaves the origin.
func TestLoopbackRedirectToCleartextHostRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/jwks.json", http.StatusFound)
	}))
	defer srv.Close()
	var dials dialLog
	res := clitest.Run(t, clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}, HTTPClient: dials.client}, "jwks", "inspect", srv.URL+"/jwks.json")
	if res.Code != 3 || !strings.Contains(res.Stderr, "redirect to another origin (http://example.com, from "+srv.URL+") refused") {
		t.Errorf("exit %d, stderr:\n%s", res.Code, res.Stderr)
	}
	for _, a := range dials.all() {
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Errorf("dialled %s", a)
		}
	}
}

// Credentials and query values of the URLs ciamctl fetches are never shown:
// not in output, errors, --debug traces, `brand show`, nor in the cache's
// metadata.
func TestURLSecretsRedactedEverywhere(t *testing.T) {
	p := newPlatform(t)
	const secret = "qv-Secret-5"
	jwksURL := p.iss + "/.well-known/jwks.json?access_token=" + secret
	p.writeBrand("leaky", strings.NewReplacer(
		"brand: acme", "brand: leaky",
		"jwksUri: $ISSUER/.well-known/jwks.json", "jwksUri: $ISSUER/.well-known/jwks.json?access_token="+secret,
		"userinfoEndpoint: $ISSUER/userinfo", "userinfoEndpoint: https://u:"+secret+"@id.example/userinfo",
	).Replace(acmeBrandTemplate))
	idToken := p.token("alice")
	runs := [][]string{
		{"jwks", "inspect", jwksURL, "--debug"},
		{"jwks", "inspect", jwksURL, "-o", "json"},
		{"jwks", "inspect", jwksURL + "&broken=%zz"},
		{"token", "verify", "--jwks", jwksURL, "--issuer", p.iss, "--audience", "acme-loyalty", idToken, "--debug", "--no-cache"},
		{"token", "verify", "--jwks", p.iss + "/nowhere?sig=" + secret, "--issuer", p.iss, "--audience", "acme-loyalty", idToken},
		{"brand", "show", "leaky"}, {"brand", "show", "leaky", "-o", "json"},
		{"config", "validate", "--online", "--debug"},
	}
	var all strings.Builder
	for _, args := range runs {
		res := p.run(args...)
		all.WriteString(res.Stdout + res.Stderr)
		if strings.Contains(res.Stdout+res.Stderr, secret) {
			t.Errorf("%s: the URL's secret is shown:\n%s%s", strings.Join(args[:2], " "), res.Stdout, res.Stderr)
		}
	}
	for _, want := range []string{"access_token=REDACTED", "https://REDACTED@id.example/userinfo", "http > GET"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no %q in the outputs: the test would prove nothing", want)
		}
	}
	cached := 0
	_ = filepath.WalkDir(p.env["CIAMCTL_CACHE_DIR"], func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			cached++
			if strings.Contains(string(b), secret) {
				t.Errorf("cache file %s holds the secret:\n%s", filepath.Base(path), b)
			}
		}
		return nil
	})
	if cached == 0 {
		t.Error("nothing was cached: the cache check proves nothing")
	}
}

// --timeout bounds the whole command: three `Retry-After: 20` answers under
// --timeout 2s end the command at once (not after 60 s) with an error that
// names --timeout and what it would have waited for; the platform is asked
// once.
func TestTimeoutBoundsRetryAfterWaits(t *testing.T) {
	var throttled atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3/oauth/token/generate" {
			_, _ = w.Write([]byte(`{"data":{"accessToken":"tok-0123456789","ttlSeconds":3600},"errors":null}`))
			return
		}
		if throttled.Add(1) <= 3 {
			w.Header().Set("Retry-After", "20")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"data":[],"errors":[]}`))
	}))
	defer srv.Close()
	env := map[string]string{"CIAMCTL_INTOUCH_URL": srv.URL, "CIAMCTL_INTOUCH_ORG_ID": "50123",
		"CIAMCTL_INTOUCH_CLIENT_KEY": "key", "CIAMCTL_INTOUCH_CLIENT_SECRET": "secret-0123456789"}
	res := clitest.Run(t, clitest.Opts{Env: env}, "channel", "list", "--timeout", "2s", "--dir", t.TempDir())
	if res.Code != 3 {
		t.Errorf("exit %d, want 3:\n%s", res.Code, res.Stderr)
	}
	if want := "waiting 20s before retrying (the platform's Retry-After) would exceed --timeout 2s"; !strings.Contains(res.Stderr, want) {
		t.Errorf("stderr does not say %q:\n%s", want, res.Stderr)
	}
	if n := throttled.Load(); n != 1 {
		t.Errorf("the throttled call was sent %d times, want once", n)
	}
}

// --timeout bounds network work, never verification: a --batch whose key
// set is a file verifies every token even when --timeout has long passed
// (here 1ns, spent before the first token is read).
func TestTimeoutDoesNotCancelBatchVerification(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	valid := tkSign(t, "main", nil)
	input := strings.Repeat(valid+"\n", 50)
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t), Stdin: strings.NewReader(input)},
		"token", "verify", "--jwks", jwksPath, "--issuer", tkIssuer, "--audience", tkAudience,
		"--batch", "-", "-o", "json", "--summary-json", "--timeout", "1ns")
	if res.Code != 0 || !strings.Contains(res.Stdout, `"valid":50`) {
		t.Errorf("exit %d\nstdout tail: %s\nstderr: %s", res.Code, res.Stdout[max(0, len(res.Stdout)-200):], res.Stderr)
	}
}

// Through the CLI: a platform whose token call redirects elsewhere gets no
// secret sent there, and the user learns why the call stopped.
func TestIntouchCrossOriginRedirectThroughCLI(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	env := map[string]string{"CIAMCTL_INTOUCH_URL": srv.URL, "CIAMCTL_INTOUCH_ORG_ID": "50123",
		"CIAMCTL_INTOUCH_CLIENT_KEY": "key", "CIAMCTL_INTOUCH_CLIENT_SECRET": "secret-0123456789"}
	res := clitest.Run(t, clitest.Opts{Env: env}, "channel", "list", "--dir", t.TempDir(), "--debug")
	if res.Code != 3 || !strings.Contains(res.Stderr, "redirect to another origin ("+other.URL+", from "+srv.URL+") refused") ||
		!strings.Contains(res.Stderr, "hint: credentials are only sent to CIAMCTL_INTOUCH_URL's own origin") {
		t.Errorf("exit %d:\n%s", res.Code, res.Stderr)
	}
	if strings.Contains(res.Stderr, "secret-0123456789") || elsewhere.Load() != 0 {
		t.Errorf("the secret left: %d requests elsewhere\n%s", elsewhere.Load(), res.Stderr)
	}
}
