package cli_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/keys"
)

// tkNow is clitest's default clock.
var tkNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const (
	tkIssuer   = "https://id.acme.example/"
	tkAudience = "acme-loyalty"
	tkSub      = "3f1c2a9e-5b7d-4e21-9c0a-6d8e7f1a2b3c"
)

type tkPair struct{ priv, pub []byte }

// tkKeys are real ES256 key pairs, generated once per test binary: "main"
// signs the tokens, "other" has the same kid but another key (a forgery).
var tkKeys = sync.OnceValues(func() (map[string]tkPair, error) {
	m := map[string]tkPair{}
	for _, name := range []string{"main", "other"} {
		priv, pub, err := keys.Generate("ES256", "test-key")
		if err != nil {
			return nil, err
		}
		m[name] = tkPair{priv, pub}
	}
	return m, nil
})

func tkKey(t *testing.T, name string) tkPair {
	t.Helper()
	m, err := tkKeys()
	if err != nil {
		t.Fatal(err)
	}
	return m[name]
}

// tkJWKSFile writes the main public key set into a temp dir.
func tkJWKSFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, tkKey(t, "main").pub, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tkClaims are valid ID-token claims at tkNow, changed by edits (nil deletes).
func tkClaims(edits map[string]any) map[string]any {
	c := map[string]any{
		"iss": tkIssuer, "aud": tkAudience, "sub": tkSub,
		"iat": tkNow.Unix(), "exp": tkNow.Add(time.Hour).Unix(),
		"given_name": "Ada", "email": "ada@example.com",
	}
	for k, v := range edits {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func tkSign(t *testing.T, key string, edits map[string]any) string {
	t.Helper()
	tok, err := keys.Sign(tkKey(t, key).priv, tkClaims(edits), keys.SignOptions{Now: func() time.Time { return tkNow }})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// tkUnsigned builds a token with any header and claims and no valid signature.
func tkUnsigned(header, claims string, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(claims)) + "." + sig
}

func tkEnv(t *testing.T) map[string]string {
	return map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}
}

type tkResult struct {
	Valid  bool            `json:"valid"`
	Header map[string]any  `json:"header"`
	Claims map[string]any  `json:"claims"`
	Checks []tkCheck       `json:"checks"`
	Reason string          `json:"reason"`
	Error  *string         `json:"error"`
	Line   int             `json:"line"`
	Raw    json.RawMessage `json:"-"`
}

type tkCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

func tkParse(t *testing.T, s string) tkResult {
	t.Helper()
	var r tkResult
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return r
}

func TestTokenDecode(t *testing.T) {
	tok := tkSign(t, "main", map[string]any{"nbf": tkNow.Unix() - 30, "auth_time": 1795399200.5})

	res := clitest.Run(t, clitest.Opts{}, "token", "decode", tok)
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if !strings.HasPrefix(res.Stdout, "UNVERIFIED") {
		t.Errorf("text output does not start with the UNVERIFIED marker:\n%s", res.Stdout)
	}
	clitest.Golden(t, "token/decode.txt", res.Stdout)

	// stdin, -o json
	js := clitest.Run(t, clitest.Opts{Stdin: strings.NewReader(tok + "\n")}, "token", "decode", "-", "-o", "json")
	if js.Code != 0 {
		t.Fatalf("json: exit %d: %s", js.Code, js.Stderr)
	}
	var rep struct {
		Verified *bool             `json:"verified"`
		Header   map[string]any    `json:"header"`
		Claims   map[string]any    `json:"claims"`
		Dates    map[string]string `json:"dates"`
	}
	if err := json.Unmarshal([]byte(js.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verified == nil || *rep.Verified || rep.Header["kid"] != "test-key" || rep.Claims["sub"] != tkSub ||
		rep.Dates["exp"] != "2026-11-23T13:00:00Z" {
		t.Errorf("json report %+v", rep)
	}
	clitest.Golden(t, "token/decode.json", js.Stdout)

	for name, bad := range map[string]string{
		"garbage":      "not-a-token",
		"bad base64":   "eyJhbGciOiJSUzI1NiJ9.@@@.sig",
		"header array": tkUnsigned(`[1]`, `{}`, "c2ln"),
	} {
		r := clitest.Run(t, clitest.Opts{}, "token", "decode", bad)
		if r.Code != 1 || !strings.Contains(r.Stderr, "cannot decode the token") || r.Stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, r.Code, r.Stdout, r.Stderr)
		}
	}
	if r := clitest.Run(t, clitest.Opts{TTY: true}, "token", "decode"); r.Code != 2 {
		t.Errorf("no token on a terminal: exit %d", r.Code)
	}
}

func TestTokenVerifyGoldens(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	args := []string{"token", "verify", "--jwks", jwksPath, "--issuer", tkIssuer, "--audience", tkAudience}

	ok := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(args, tkSign(t, "main", nil))...)
	if ok.Code != 0 {
		t.Fatalf("valid token: exit %d\n%s%s", ok.Code, ok.Stdout, ok.Stderr)
	}
	clitest.Golden(t, "token/verify-valid.txt", ok.Stdout)

	expired := tkSign(t, "main", map[string]any{"iat": tkNow.Add(-3 * time.Hour).Unix(), "exp": tkNow.Add(-2 * time.Hour).Unix()})
	bad := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(args, expired)...)
	if bad.Code != 1 || bad.Stderr != "" {
		t.Fatalf("expired token: exit %d, stderr %q", bad.Code, bad.Stderr)
	}
	clitest.Golden(t, "token/verify-expired.txt", bad.Stdout)

	js := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(args, "-o", "json", expired)...)
	clitest.Golden(t, "token/verify-expired.json", js.Stdout)
	// The contract's fields, exactly: valid, header, claims, checks, error.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js.Stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"valid", "header", "claims", "checks", "error"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("json lacks %q", k)
		}
	}
	names := map[string]bool{}
	for _, c := range tkParse(t, js.Stdout).Checks {
		names[c.Name] = true
	}
	for _, want := range []string{"signature", "algorithm", "kid", "issuer", "audience", "expiry", "not_before", "issued_at"} {
		if !names[want] {
			t.Errorf("no %q check", want)
		}
	}
}

func TestTokenVerifyReasons(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	future := tkNow.Add(10 * time.Minute).Unix()
	cases := []struct {
		name   string
		token  string
		extra  []string
		reason string
	}{
		{"expired", tkSign(t, "main", map[string]any{"exp": tkNow.Add(-5 * time.Minute).Unix()}), nil, "expired"},
		{"issuer", tkSign(t, "main", map[string]any{"iss": "https://evil.example/"}), nil, "issuer_mismatch"},
		{"audience", tkSign(t, "main", map[string]any{"aud": []string{"someone-else"}}), nil, "audience_mismatch"},
		{"audience array with azp", tkSign(t, "main", map[string]any{"aud": []string{tkAudience, "x"}, "azp": "x"}), nil, "audience_mismatch"},
		{"forged with another key", tkSign(t, "other", nil), nil, "bad_signature"},
		{"unknown kid", mustSignKid(t, "rotated-away"), nil, "unknown_kid"},
		{"not yet valid", tkSign(t, "main", map[string]any{"nbf": future}), nil, "not_yet_valid"},
		{"issued in future", tkSign(t, "main", map[string]any{"iat": future}), nil, "issued_in_future"},
		{"no sub", tkSign(t, "main", map[string]any{"sub": nil}), nil, "missing_claim"},
		{"alg none", tkUnsigned(`{"alg":"nOnE","kid":"test-key"}`, `{"sub":"x"}`, ""), nil, "alg_not_allowed"},
		{"HS256", tkUnsigned(`{"alg":"HS256","kid":"test-key"}`, `{"sub":"x"}`, "c2ln"), nil, "alg_not_allowed"},
		{"alg outside --alg", tkSign(t, "main", nil), []string{"--alg", "RS256"}, "alg_not_allowed"},
		{"malformed", "a.b", nil, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"token", "verify", "-o", "json", "--jwks", jwksPath, "--issuer", tkIssuer, "--audience", tkAudience}, tc.extra...)
			res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(args, tc.token)...)
			r := tkParse(t, res.Stdout)
			if res.Code != 1 || r.Valid || r.Reason != tc.reason || r.Error == nil || *r.Error == "" {
				t.Fatalf("exit %d, reason %q (want 1, %q), error %v\n%s", res.Code, r.Reason, tc.reason, r.Error, res.Stdout)
			}
			// Never the signature, never a key in the output.
			if sig := tc.token[strings.LastIndex(tc.token, ".")+1:]; len(sig) > 8 && strings.Contains(res.Stdout+res.Stderr, sig) {
				t.Error("output quotes the signature")
			}
			if strings.Contains(res.Stdout+res.Stderr, `"d":`) {
				t.Error("output contains private key material")
			}
		})
	}
}

func mustSignKid(t *testing.T, kid string) string {
	t.Helper()
	tok, err := keys.Sign(tkKey(t, "main").priv, tkClaims(nil), keys.SignOptions{Kid: kid, Now: func() time.Time { return tkNow }})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokenVerifyLeewayAndNow(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	// Expired 30s ago: inside the default 60s leeway, outside --leeway 0.
	tok := tkSign(t, "main", map[string]any{"iat": tkNow.Add(-time.Hour).Unix(), "exp": tkNow.Add(-30 * time.Second).Unix()})
	base := []string{"token", "verify", "-o", "json", "--jwks", jwksPath, "--issuer", tkIssuer, "--audience", tkAudience}
	run := func(extra ...string) (int, tkResult) {
		res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(append(base, extra...), tok)...)
		return res.Code, tkParse(t, res.Stdout)
	}
	if code, r := run(); code != 0 || !r.Valid {
		t.Errorf("default leeway: exit %d %+v", code, r.Error)
	}
	if code, r := run("--leeway", "0"); code != 1 || r.Reason != "expired" {
		t.Errorf("--leeway 0: exit %d reason %q", code, r.Reason)
	}
	if code, r := run("--leeway", "29s"); code != 1 || r.Reason != "expired" {
		t.Errorf("--leeway 29s: exit %d reason %q", code, r.Reason)
	}
	if code, _ := run("--leeway", "31s"); code != 0 {
		t.Errorf("--leeway 31s: exit %d", code)
	}
	// --now pins the clock: before exp it is valid even with no leeway, and
	// a day later it is expired whatever the real clock says.
	if code, r := run("--leeway", "0", "--now", "2026-11-23T11:59:00Z"); code != 0 {
		t.Errorf("--now before exp: exit %d %v", code, r.Error)
	}
	if code, r := run("--now", "2026-11-24T12:00:00+01:00"); code != 1 || r.Reason != "expired" {
		t.Errorf("--now a day later: exit %d reason %q", code, r.Reason)
	}
	for _, bad := range [][]string{{"--now", "yesterday"}, {"--leeway", "-5s"}, {"--alg", "XS999"}, {"--workers", "-1"}} {
		if res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(append(base, bad...), tok)...); res.Code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", bad, res.Code, res.Stderr)
		}
	}
	// Issue 12, items 11 and 14: usage errors that name the value and why,
	// instead of an out-of-memory crash or an allow-list silently emptied.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--batch", "-", "--workers", "2147483647"}, "error: --workers: 2147483647 is too many; at most "},
		{[]string{"--alg", "none"}, `error: --alg: "none" is never allowed: an unsigned token proves nothing`},
		{[]string{"--alg", "RS256,HS256"}, `error: --alg: "HS256" is a symmetric algorithm and is not allowed`},
		{[]string{"--alg", "hs512"}, `error: --alg: "hs512" is a symmetric algorithm and is not allowed`},
		{[]string{"--alg", "NONE,ES256"}, `error: --alg: "NONE" is never allowed`},
		{[]string{"--alg", ""}, "error: --alg: no algorithm given"},
	} {
		args := append(append([]string(nil), base...), c.args...)
		if c.args[0] != "--batch" {
			args = append(args, tok)
		}
		o := clitest.Opts{Env: tkEnv(t), Stdin: strings.NewReader(tok + "\n")}
		if res := clitest.Run(t, o, args...); res.Code != 2 || res.Stdout != "" || !strings.HasPrefix(res.Stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s%s", c.args, res.Code, c.want, res.Stdout, res.Stderr)
		}
	}
	if res := clitest.Run(t, clitest.Opts{Env: tkEnv(t), Stdin: strings.NewReader(tok + "\n")}, append(base, "--batch", "-", "--workers", "256")...); res.Code != 0 {
		t.Errorf("--workers 256: exit %d %s", res.Code, res.Stderr)
	}
	if res := clitest.Run(t, clitest.Opts{}, "token", "verify", tok); res.Code != 2 || !strings.Contains(res.Stderr, "--brand") {
		t.Errorf("no keys: exit %d %s", res.Code, res.Stderr)
	}
}

// tkJWKSServer serves the main public key set and counts requests.
func tkJWKSServer(t *testing.T, cacheControl string) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	pub := tkKey(t, "main").pub
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jwks" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(pub)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func tkWriteBrand(t *testing.T, dir, name, jwksURI string) {
	t.Helper()
	yaml := fmt.Sprintf(`apiVersion: ciamctl/v1
kind: BrandConfig
brand: %s
ciam:
  applicationId: app-%s
  clientId: %s
  issuer: %s
  userinfoEndpoint: https://id.acme.example/userinfo
  jwksUri: %s
  algorithms: [ES256]
mappings:
  email: email
`, name, name, tkAudience, tkIssuer, jwksURI)
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTokenVerifyBrand(t *testing.T) {
	srv, _ := tkJWKSServer(t, "")
	dir := t.TempDir()
	tkWriteBrand(t, dir, "acme", srv.URL+"/jwks")
	tok := tkSign(t, "main", nil)
	env := tkEnv(t)

	res := clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--dir", dir, "--brand", "acme", tok)
	if res.Code != 0 {
		t.Fatalf("brand: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stdout, fmt.Sprintf("iss is %q", tkIssuer)) || !strings.Contains(res.Stdout, fmt.Sprintf("aud contains %q", tkAudience)) {
		t.Errorf("brand issuer/audience not checked:\n%s", res.Stdout)
	}
	// Flags override the brand: another audience, another algorithm list.
	res = clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "-o", "json", "--dir", dir, "--brand", "acme", "--audience", "other-app", tok)
	if r := tkParse(t, res.Stdout); res.Code != 1 || r.Reason != "audience_mismatch" {
		t.Errorf("--audience override: exit %d reason %q", res.Code, r.Reason)
	}
	res = clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "-o", "json", "--dir", dir, "--brand", "acme", "--alg", "RS256", tok)
	if r := tkParse(t, res.Stdout); res.Code != 1 || r.Reason != "alg_not_allowed" {
		t.Errorf("--alg override: exit %d reason %q", res.Code, r.Reason)
	}
	// --jwks overrides the brand's jwksUri.
	res = clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--dir", dir, "--brand", "acme", "--jwks", tkJWKSFile(t), tok)
	if res.Code != 0 {
		t.Errorf("--jwks override: exit %d %s", res.Code, res.Stderr)
	}
	// An unknown brand is a usage error; a brand with errors is refused (exit 2, as every --brand command does).
	if res := clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--dir", dir, "--brand", "nope", tok); res.Code != 2 {
		t.Errorf("unknown brand: exit %d", res.Code)
	}
	os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: broken\n"), 0o644)
	if res := clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--dir", dir, "--brand", "broken", tok); res.Code != 2 || !strings.Contains(res.Stderr, "broken.yaml:") {
		t.Errorf("invalid brand: exit %d %s", res.Code, res.Stderr)
	}
}

func TestTokenVerifyJWKSUnavailable(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	url := down.URL + "/jwks"
	down.Close()
	tok := tkSign(t, "main", nil)

	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "-o", "json", "--issuer", tkIssuer, "--audience", tkAudience, "--jwks", url, tok)
	if r := tkParse(t, res.Stdout); res.Code != 3 || r.Reason != "jwks_unavailable" || !strings.Contains(res.Stderr, "connection refused") {
		t.Errorf("unreachable: exit %d reason %q stderr %q", res.Code, r.Reason, res.Stderr)
	}
	// A server error and a missing file are unavailable too; a bad scheme is usage.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 503) }))
	defer srv.Close()
	for loc, want := range map[string]int{srv.URL: 3, filepath.Join(t.TempDir(), "missing.json"): 3, "ftp://id.example/jwks": 2} {
		if res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--issuer", tkIssuer, "--audience", tkAudience, "--jwks", loc, tok); res.Code != want {
			t.Errorf("%s: exit %d, want %d: %s", loc, res.Code, want, res.Stderr)
		}
	}
	// Batch: the set is needed before any line is verified.
	batch := filepath.Join(t.TempDir(), "tokens.txt")
	os.WriteFile(batch, []byte(tok+"\n"), 0o644)
	if res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--issuer", tkIssuer, "--audience", tkAudience, "--jwks", url, "--batch", batch, "-o", "json"); res.Code != 3 || res.Stdout != "" {
		t.Errorf("batch unreachable: exit %d stdout %q", res.Code, res.Stdout)
	}
}

// A second run within the server's max-age is served from the disk cache.
func TestTokenVerifyUsesJWKSCache(t *testing.T) {
	srv, hits := tkJWKSServer(t, "public, max-age=300")
	env := tkEnv(t)
	tok := tkSign(t, "main", nil)
	args := []string{"token", "verify", "--jwks", srv.URL + "/jwks", "--issuer", tkIssuer, "--audience", tkAudience}
	for i := range 2 {
		if res := clitest.Run(t, clitest.Opts{Env: env}, append(args, tok)...); res.Code != 0 {
			t.Fatalf("run %d: exit %d %s", i, res.Code, res.Stderr)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d JWKS requests for two runs within max-age, want 1", n)
	}
	if res := clitest.Run(t, clitest.Opts{Env: env}, append(args, "--no-cache", tok)...); res.Code != 0 || hits.Load() != 2 {
		t.Errorf("--no-cache: exit %d, %d requests", res.Code, hits.Load())
	}
	// Without max-age every run asks again.
	srv2, hits2 := tkJWKSServer(t, "no-store")
	for range 2 {
		clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--issuer", tkIssuer, "--audience", tkAudience, "--jwks", srv2.URL+"/jwks", tok)
	}
	if hits2.Load() != 2 {
		t.Errorf("no-store: %d requests, want 2", hits2.Load())
	}
}

func TestTokenVerifyBatch(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	valid := tkSign(t, "main", nil)
	lines := []string{
		"# fixtures for the batch test",
		valid,
		tkSign(t, "main", map[string]any{"exp": tkNow.Add(-time.Hour).Unix(), "iat": tkNow.Add(-2 * time.Hour).Unix()}),
		"",
		"garbage",
		tkSign(t, "other", nil),
		"   " + valid + "   ",
		tkSign(t, "main", map[string]any{"aud": "someone-else"}),
	}
	input := strings.Join(lines, "\n") + "\n"
	batch := filepath.Join(t.TempDir(), "tokens.txt")
	if err := os.WriteFile(batch, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"token", "verify", "--jwks", jwksPath, "--issuer", tkIssuer, "--audience", tkAudience, "--workers", "4"}

	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, "--batch", batch, "-o", "json")...)
	if res.Code != 1 {
		t.Fatalf("exit %d, want 1 (some invalid): %s", res.Code, res.Stderr)
	}
	wantLines := []int{2, 3, 5, 6, 7, 8}
	wantValid := []bool{true, false, false, false, true, false}
	wantReason := []string{"", "expired", "malformed", "bad_signature", "", "audience_mismatch"}
	out := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	if len(out) != len(wantLines) {
		t.Fatalf("%d result lines, want %d:\n%s", len(out), len(wantLines), res.Stdout)
	}
	for i, l := range out {
		r := tkParse(t, l)
		if r.Line != wantLines[i] || r.Valid != wantValid[i] || r.Reason != wantReason[i] {
			t.Errorf("result %d: line %d valid %v reason %q; want line %d valid %v reason %q", i, r.Line, r.Valid, r.Reason, wantLines[i], wantValid[i], wantReason[i])
		}
		if !strings.HasPrefix(l, `{"line":`) {
			t.Errorf("result %d does not start with line: %.40s", i, l)
		}
	}
	if want := "✗ 6 tokens: 2 valid, 4 invalid (malformed 1, bad_signature 1, audience_mismatch 1, expired 1)\n"; res.Stderr != want {
		t.Errorf("summary on stderr %q, want %q", res.Stderr, want)
	}

	// --summary-json from stdin: the summary is the last stdout object, stderr stays empty.
	sj := clitest.Run(t, clitest.Opts{Env: tkEnv(t), Stdin: strings.NewReader(input)}, append(base, "--batch", "-", "-o", "json", "--summary-json")...)
	out = strings.Split(strings.TrimSuffix(sj.Stdout, "\n"), "\n")
	var last struct {
		Summary *struct {
			Total    int            `json:"total"`
			Valid    int            `json:"valid"`
			Invalid  int            `json:"invalid"`
			ByReason map[string]int `json:"by_reason"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out[len(out)-1]), &last); err != nil || last.Summary == nil {
		t.Fatalf("last line is not a summary: %v %q", err, out[len(out)-1])
	}
	if s := last.Summary; sj.Code != 1 || sj.Stderr != "" || len(out) != 7 || s.Total != 6 || s.Valid != 2 || s.Invalid != 4 || s.ByReason["expired"] != 1 {
		t.Errorf("--summary-json: exit %d stderr %q lines %d summary %+v", sj.Code, sj.Stderr, len(out), s)
	}

	// Text: one compact line per token.
	txt := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, "--batch", batch)...)
	if txt.Code != 1 {
		t.Fatalf("text: exit %d", txt.Code)
	}
	clitest.Golden(t, "token/batch.txt", txt.Stdout)

	// All valid: exit 0.
	okFile := filepath.Join(t.TempDir(), "ok.txt")
	os.WriteFile(okFile, []byte(valid+"\n\n"+valid), 0o644)
	if ok := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, "--batch", okFile)...); ok.Code != 0 || !strings.Contains(ok.Stderr, "2 tokens: 2 valid, 0 invalid") {
		t.Errorf("all valid: exit %d %q", ok.Code, ok.Stderr)
	}
	// Usage errors.
	for _, bad := range [][]string{{"--batch", batch, valid}, {"--summary-json", valid}, {"--batch", batch, "-o", "yaml"}, {"--batch", filepath.Join(t.TempDir(), "none.txt")}} {
		if r := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, bad...)...); r.Code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, r.Code)
		}
	}
}

// Many tokens stream through: output count and order hold for a large input.
func TestTokenVerifyBatchLarge(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	valid := tkSign(t, "main", nil)
	const n = 2000
	var b strings.Builder
	for i := range n {
		if i%100 == 7 {
			b.WriteString("broken\n")
		} else {
			b.WriteString(valid + "\n")
		}
	}
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t), Stdin: strings.NewReader(b.String())},
		"token", "verify", "--issuer", tkIssuer, "--audience", tkAudience, "--jwks", jwksPath, "--batch", "-", "-o", "json")
	sc := bufio.NewScanner(strings.NewReader(res.Stdout))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		r := tkParse(t, sc.Text())
		if r.Line != line || r.Valid == ((line-1)%100 == 7) {
			t.Fatalf("result %d: line %d valid %v", line, r.Line, r.Valid)
		}
	}
	if line != n || res.Code != 1 || !strings.Contains(res.Stderr, "2000 tokens: 1980 valid, 20 invalid (malformed 20)") {
		t.Errorf("%d results, exit %d, %q", line, res.Code, res.Stderr)
	}
}

func TestTokenSign(t *testing.T) {
	dir := t.TempDir()
	if res := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", "EdDSA", "--kid", "ci-1", "--out", dir); res.Code != 0 {
		t.Fatalf("keys generate: exit %d %s", res.Code, res.Stderr)
	}
	key := filepath.Join(dir, "private.jwk.json")
	claims := filepath.Join(dir, "claims.json")
	os.WriteFile(claims, []byte(`{"iss":"`+tkIssuer+`","aud":"`+tkAudience+`","sub":"from-file","nested":{"a":[1,2]}}`), 0o644)

	res := clitest.Run(t, clitest.Opts{}, "token", "sign", "--key", key, "--claims", claims,
		"--set", "sub="+tkSub, "--set", "n=42", "--set", "ok=true", "--set", `roles=["a","b"]`,
		"--set", "zip=01234", "--set", `quoted="7"`, "--set", "empty=", "--expires-in", "5m")
	if res.Code != 0 {
		t.Fatalf("sign: exit %d %s", res.Code, res.Stderr)
	}
	tok := strings.TrimSpace(res.Stdout)
	dec := clitest.Run(t, clitest.Opts{}, "token", "decode", "-o", "json", tok)
	var d struct {
		Header map[string]any `json:"header"`
		Claims map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(dec.Stdout), &d); err != nil {
		t.Fatal(err)
	}
	c := d.Claims
	if d.Header["alg"] != "EdDSA" || d.Header["kid"] != "ci-1" || c["sub"] != tkSub || c["n"] != float64(42) || c["ok"] != true ||
		fmt.Sprint(c["roles"]) != "[a b]" || c["zip"] != "01234" || c["quoted"] != "7" || c["empty"] != "" ||
		c["iat"] != float64(tkNow.Unix()) || c["exp"] != float64(tkNow.Add(5*time.Minute).Unix()) || c["nested"] == nil {
		t.Errorf("decoded %v %v", d.Header, c)
	}

	// Round trip: the token verifies with the generated JWKS.
	ver := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--jwks", filepath.Join(dir, "jwks.json"),
		"--issuer", tkIssuer, "--audience", tkAudience, "--alg", "EdDSA", tok)
	if ver.Code != 0 {
		t.Fatalf("round trip: exit %d\n%s", ver.Code, ver.Stdout)
	}

	// Claims from stdin and --kid; -o json.
	js := clitest.Run(t, clitest.Opts{Stdin: strings.NewReader(`{"sub":"x"}`)}, "token", "sign", "--key", key, "--claims", "-", "--kid", "other", "-o", "json")
	var out struct{ Token string }
	if json.Unmarshal([]byte(js.Stdout), &out); js.Code != 0 || strings.Count(out.Token, ".") != 2 {
		t.Errorf("stdin claims: exit %d %q", js.Code, js.Stdout)
	}

	// Mistakes are usage errors that never echo key material.
	privBytes, _ := os.ReadFile(key)
	var priv struct{ D string }
	json.Unmarshal(privBytes, &priv)
	os.WriteFile(filepath.Join(dir, "array.json"), []byte(`[1]`), 0o644)
	for name, args := range map[string][]string{
		"no key":        {"token", "sign"},
		"missing key":   {"token", "sign", "--key", filepath.Join(dir, "nope.json")},
		"public JWKS":   {"token", "sign", "--key", filepath.Join(dir, "jwks.json")},
		"bad set":       {"token", "sign", "--key", key, "--set", "novalue"},
		"claims array":  {"token", "sign", "--key", key, "--claims", filepath.Join(dir, "array.json")},
		"zero lifetime": {"token", "sign", "--key", key, "--expires-in", "0s"},
	} {
		r := clitest.Run(t, clitest.Opts{}, args...)
		if r.Code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", name, r.Code, r.Stderr)
		}
		if priv.D == "" || strings.Contains(r.Stdout+r.Stderr, priv.D) {
			t.Errorf("%s: private key in output", name)
		}
	}
}
