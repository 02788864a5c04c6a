package cli_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

// fetchCIAM is a CIAM emulator on loopback with the acme brand pointing at it.
type fetchCIAM struct {
	t    *testing.T
	ciam *ciamemu.Server
	iss  string
	dir  string
	env  map[string]string
}

func newFetchCIAM(t *testing.T, opts ciamemu.Options) *fetchCIAM {
	t.Helper()
	opts.ClientID = "acme-loyalty"
	opts.Now = func() time.Time { return clitestNow }
	s := ciamemu.New(opts)
	iss, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := &fetchCIAM{t: t, ciam: s, iss: iss, dir: t.TempDir(), env: map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}}
	r := strings.NewReplacer("$ISSUER", iss, "$MOBILE_CLAIM", ciamemu.MobileClaim(iss))
	if err := os.WriteFile(filepath.Join(c.dir, "acme.yaml"), []byte(r.Replace(acmeBrandTemplate)), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *fetchCIAM) run(o clitest.Opts, args ...string) clitest.Result {
	c.t.Helper()
	if o.Env == nil {
		o.Env = c.env
	}
	return clitest.Run(c.t, o, append(append([]string{"token", "fetch", "--brand", "acme"}, args...), "--dir", c.dir)...)
}

// browser plays the person at the browser: it opens the authorization URL
// (after tamper, if set, changes it), signs in on the CIAM's login form
// (or cancels), and delivers the CIAM's redirect to ciamctl's loopback
// listener (after deliver, if set, changes it).
type browser struct {
	t                  *testing.T
	username, password string
	cancel             bool
	tamper             func(url.Values)
	deliver            func(url.Values)

	opened   atomic.Int32
	callback url.Values // what the CIAM redirected with
	page     string     // the callback page ciamctl showed
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

func (b *browser) open(authURL string) error {
	b.opened.Add(1)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	if b.tamper != nil {
		q := u.Query()
		b.tamper(q)
		u.RawQuery = q.Encode()
	}
	res, err := noFollow.Get(u.String())
	if err != nil {
		return err
	}
	page := readAll(b.t, res)
	m := requestField.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("authorize: %s: %s", res.Status, page)
	}
	action := "login"
	if b.cancel {
		action = "deny"
	}
	form := url.Values{"request": {m[1]}, "username": {b.username}, "password": {b.password}, "action": {action}}
	res, err = noFollow.PostForm(u.Scheme+"://"+u.Host+ciamemu.PathAuthorize, form)
	if err != nil {
		return err
	}
	readAll(b.t, res)
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		return fmt.Errorf("login: %s %v", res.Status, err)
	}
	q := loc.Query()
	b.callback = url.Values{}
	for k, v := range q {
		b.callback[k] = v
	}
	if b.deliver != nil {
		b.deliver(q)
		loc.RawQuery = q.Encode()
	}
	res, err = http.Get(loc.String())
	if err != nil {
		return err
	}
	b.page = readAll(b.t, res)
	return nil
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func alice(t *testing.T) *browser { return &browser{t: t, username: "alice", password: "password"} }

func claimsOf(t *testing.T, token string) map[string]any {
	t.Helper()
	tok, err := jwt.ParseInsecure([]byte(strings.TrimSpace(token)))
	if err != nil {
		t.Fatalf("not a JWT: %q: %v", token, err)
	}
	m, err := tok.AsMap(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTokenFetchCodeFlow(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{})
	b := alice(t)
	res := c.run(clitest.Opts{Browser: b.open})
	expectCode(t, res, 0)
	if b.opened.Load() != 1 {
		t.Fatalf("browser opened %d times", b.opened.Load())
	}
	claims := claimsOf(t, res.Stdout)
	a, _ := c.ciam.FindUser("alice")
	if claims["sub"] != a.Sub || claims["nonce"] == nil || claims["at_hash"] == nil {
		t.Errorf("claims: %v", claims)
	}
	if !strings.Contains(b.page, "You may close this tab") {
		t.Errorf("callback page: %s", b.page)
	}
	for _, want := range []string{"Opening the sign-in page in your browser", c.iss + "/authorize?", "code_challenge_method=S256",
		"redirect_uri=http%3A%2F%2F127.0.0.1%3A", "%2Fcallback", "verified with brand acme's policy, bound to this sign-in by nonce, at_hash"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.Stderr)
		}
	}
	if strings.Count(res.Stdout, "\n") != 1 {
		t.Errorf("stdout is not one token line: %q", res.Stdout)
	}

	// -o json: the contract's fields.
	res = c.run(clitest.Opts{Browser: alice(t).open}, "-o", "json")
	expectCode(t, res, 0)
	var out map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id_token", "access_token", "refresh_token", "token_type", "expires_in", "scope"} {
		if _, ok := out[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, res.Stdout)
		}
	}
	if out["token_type"] != "Bearer" || out["scope"] != "openid profile email phone" || out["expires_in"] != float64(3600) {
		t.Errorf("JSON: %s", res.Stdout)
	}
}

func TestTokenFetchCodeFlowConfidentialClient(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{ClientSecret: "s3cret/+"})
	env := map[string]string{"CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_CLIENT_SECRET": "s3cret/+"}
	expectCode(t, c.run(clitest.Opts{Env: env, Browser: alice(t).open}), 0)
	// Without the secret the CIAM refuses the exchange; the hint names the variable.
	res := c.run(clitest.Opts{Browser: alice(t).open})
	expectCode(t, res, 1)
	if !strings.Contains(res.Stderr, "invalid_client") || !strings.Contains(res.Stderr, "hint: a confidential client authenticates with its secret: set CIAMCTL_CIAM_CLIENT_SECRET") || res.Stdout != "" {
		t.Errorf("no secret: %q %q", res.Stdout, res.Stderr)
	}
}

func TestTokenFetchCodeFlowRefusals(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{})
	cases := []struct {
		name string
		b    *browser
		want string
	}{
		{"tampered state", &browser{username: "alice", password: "password", deliver: func(q url.Values) { q.Set("state", "forged") }},
			"another state than the one sent"},
		{"access denied", &browser{cancel: true}, "access_denied"},
		{"wrong nonce in the token", &browser{username: "alice", password: "password", tamper: func(q url.Values) { q.Set("nonce", "replayed") }},
			"nonce_mismatch"},
		{"PKCE verifier mismatch", &browser{username: "alice", password: "password", tamper: func(q url.Values) {
			sum := sha256.Sum256([]byte(strings.Repeat("x", 43)))
			q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		}}, "PKCE verification failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.b.t = t
			res := c.run(clitest.Opts{Browser: tc.b.open})
			if res.Code != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 1, no output, %q", res.Code, res.Stdout, res.Stderr, tc.want)
			}
		})
	}

	// The code of a callback with a forged state was never redeemed: the
	// CIAM still holds it, so it answers about this request's redirect_uri
	// rather than calling the code unknown, used or expired.
	b := &browser{t: t, username: "alice", password: "password", deliver: func(q url.Values) { q.Set("state", "forged") }}
	expectCode(t, c.run(clitest.Opts{Browser: b.open}), 1)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {b.callback.Get("code")}, "client_id": {"acme-loyalty"}, "code_verifier": {strings.Repeat("y", 43)}}
	resp, err := http.PostForm(c.iss+ciamemu.PathToken, form)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); strings.Contains(body, "unknown, used or expired") || !strings.Contains(body, "redirect_uri differs") {
		t.Errorf("the forged callback's code was redeemed: %s", body)
	}
}

func TestTokenFetchTimesOutWithoutABrowser(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{})
	b := alice(t)
	res := c.run(clitest.Opts{Browser: b.open}, "--no-browser", "--login-timeout", "300ms")
	expectCode(t, res, 3)
	if b.opened.Load() != 0 {
		t.Error("--no-browser opened the browser")
	}
	if !strings.Contains(res.Stderr, "Open this URL in a browser to sign in:\n  "+c.iss+"/authorize?") ||
		!strings.Contains(res.Stderr, "no sign-in within --login-timeout 300ms") || res.Stdout != "" {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
	// A browser that cannot be started: the URL is there to open by hand.
	res = c.run(clitest.Opts{}, "--login-timeout", "300ms")
	expectCode(t, res, 3)
	if !strings.Contains(res.Stderr, "could not open a browser (no browser in tests)") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
}

// The time a person takes to sign in is bounded by --login-timeout, not by
// --timeout: token fetch owns its deadline (cmdutil.OwnDeadline) and only its
// network work draws on the command's --timeout budget.
func TestTokenFetchSignInTimeIsNotNetworkTime(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{})
	b := alice(t)
	slow := func(authURL string) error {
		time.Sleep(1200 * time.Millisecond) // the person reads the page: longer than --timeout
		return b.open(authURL)
	}
	res := c.run(clitest.Opts{Browser: slow}, "--timeout", "600ms")
	expectCode(t, res, 0)
	if a, _ := c.ciam.FindUser("alice"); claimsOf(t, res.Stdout)["sub"] != a.Sub {
		t.Errorf("stdout %q", res.Stdout)
	}
}

func TestTokenFetchPasswordFlow(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{})
	env := map[string]string{"CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_PASSWORD": "password"}
	res := c.run(clitest.Opts{Env: env}, "--flow", "password", "--username", "bob")
	expectCode(t, res, 0)
	bob, _ := c.ciam.FindUser("bob")
	if claimsOf(t, res.Stdout)["sub"] != bob.Sub || !strings.Contains(res.Stderr, "verified with brand acme's policy") {
		t.Errorf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}

	env["CIAMCTL_CIAM_PASSWORD"] = "not-bobs-password"
	res = c.run(clitest.Opts{Env: env}, "--flow", "password", "--username", "bob")
	if res.Code != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, "invalid_grant: wrong username or password") || strings.Contains(res.Stderr, "not-bobs-password") {
		t.Errorf("wrong password: exit %d %q", res.Code, res.Stderr)
	}

	// No terminal, no password: a usage error naming what is missing.
	res = c.run(clitest.Opts{}, "--flow", "password")
	if res.Code != 2 || !strings.Contains(res.Stderr, "--flow password needs --username and $CIAMCTL_CIAM_PASSWORD") {
		t.Errorf("no credentials: exit %d %q", res.Code, res.Stderr)
	}

	// On a terminal it asks for what is missing (accessible mode reads plain
	// lines; its password prompt needs a real terminal, so the password
	// comes from the environment here).
	res = c.run(clitest.Opts{TTY: true, Stdin: clitest.NewLineReader("alice"), Env: map[string]string{"ACCESSIBLE": "1", "CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_PASSWORD": "password"}},
		"--flow", "password")
	expectCode(t, res, 0)
	if a, _ := c.ciam.FindUser("alice"); claimsOf(t, res.Stdout)["sub"] != a.Sub {
		t.Errorf("prompted sign-in: %q", res.Stdout)
	}
}

func TestTokenFetchDeviceFlow(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{DeviceInterval: time.Second})
	approve := func(deny bool) {
		go func() {
			for range 200 {
				if codes := c.ciam.PendingUserCodes(); len(codes) == 1 {
					if deny {
						_ = c.ciam.DenyDevice(codes[0])
					} else {
						_ = c.ciam.ApproveDevice(codes[0], "bob")
					}
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	approve(false)
	res := c.run(clitest.Opts{}, "--flow", "device")
	expectCode(t, res, 0)
	bob, _ := c.ciam.FindUser("bob")
	if claimsOf(t, res.Stdout)["sub"] != bob.Sub || !strings.Contains(res.Stderr, "On any device, open "+c.iss+"/device and enter the code ") {
		t.Errorf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}

	approve(true)
	res = c.run(clitest.Opts{}, "--flow", "device")
	if res.Code != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, "the device was denied") {
		t.Errorf("denied: exit %d %q", res.Code, res.Stderr)
	}

	res = c.run(clitest.Opts{}, "--flow", "device", "--login-timeout", "1500ms")
	if res.Code != 3 || !strings.Contains(res.Stderr, "not approved within --login-timeout 1.5s") {
		t.Errorf("not approved: exit %d %q", res.Code, res.Stderr)
	}
}

func TestTokenFetchClientCredentials(t *testing.T) {
	for _, methods := range [][]string{nil, {"client_secret_post"}} {
		c := newFetchCIAM(t, ciamemu.Options{ClientSecret: "s3cret", TokenAuthMethods: methods})
		env := map[string]string{"CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_CLIENT_SECRET": "s3cret"}
		res := c.run(clitest.Opts{Env: env}, "--flow", "client-credentials")
		expectCode(t, res, 0)
		if !strings.HasPrefix(res.Stdout, "at-") || !strings.Contains(res.Stderr, "Client credentials yield no ID token") {
			t.Errorf("%v: stdout %q stderr %q", methods, res.Stdout, res.Stderr)
		}
		res = c.run(clitest.Opts{Env: env}, "--flow", "client-credentials", "-o", "json")
		expectCode(t, res, 0)
		if !strings.Contains(res.Stdout, `"id_token": null`) || !strings.Contains(res.Stdout, `"access_token": "at-`) {
			t.Errorf("JSON: %s", res.Stdout)
		}
		res = c.run(clitest.Opts{}, "--flow", "client-credentials")
		if res.Code != 2 || !strings.Contains(res.Stderr, "needs the client's secret: set CIAMCTL_CIAM_CLIENT_SECRET") {
			t.Errorf("no secret: exit %d %q", res.Code, res.Stderr)
		}
	}
}

func TestTokenFetchFlowNotAdvertised(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{}) // a public client: no client credentials
	env := map[string]string{"CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_CLIENT_SECRET": "a-secret"}
	res := c.run(clitest.Opts{Env: env}, "--flow", "client-credentials")
	if res.Code != 2 || !strings.Contains(res.Stderr, "--flow client-credentials: the CIAM's discovery document does not advertise it; it offers code, password, device") {
		t.Errorf("exit %d %q", res.Code, res.Stderr)
	}
	only := newFetchCIAM(t, ciamemu.Options{Grants: []string{"password"}})
	res = only.run(clitest.Opts{Browser: alice(t).open})
	if res.Code != 2 || !strings.Contains(res.Stderr, "--flow code: the CIAM's discovery document does not advertise it; it offers password") {
		t.Errorf("exit %d %q", res.Code, res.Stderr)
	}
}

func TestTokenFetchUsage(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--flow", "implicit"}, `--flow: "implicit" is not a flow`},
		{[]string{"--flow", "password", "--port", "8000"}, "--port only applies to --flow code"},
		{[]string{"--username", "alice"}, "--username only applies to --flow password"},
		{[]string{"--scope", "email"}, "an ID token needs the openid scope"},
		{[]string{"--port", "70000"}, "--port: 70000 is not a port"},
		{[]string{"--login-timeout", "0s"}, "--login-timeout: must be positive"},
	} {
		res := c.run(clitest.Opts{}, tc.args...)
		if res.Code != 2 || !strings.Contains(res.Stderr, tc.want) {
			t.Errorf("%v: exit %d %q; want 2 with %q", tc.args, res.Code, res.Stderr, tc.want)
		}
	}
	res := clitest.Run(t, clitest.Opts{}, "token", "fetch", "--dir", c.dir)
	if res.Code != 2 || !strings.Contains(res.Stderr, "no brand: pass --brand NAME") {
		t.Errorf("no brand: %d %q", res.Code, res.Stderr)
	}
}

// token verify binds a token to its sign-in on request: --nonce must equal
// the nonce claim, --access-token must hash to at_hash.
func TestTokenVerifyNonceAndAccessToken(t *testing.T) {
	p := newPlatform(t)
	tk, err := p.ciam.IssueTokens("alice", ciamemu.TokenOptions{Nonce: "n-123"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := p.ciam.IssueTokens("alice", ciamemu.TokenOptions{})
	for _, tc := range []struct {
		args   []string
		code   int
		reason string
	}{
		{[]string{"--nonce", "n-123", "--access-token", tk.AccessToken}, 0, ""},
		{[]string{"--nonce", "n-999"}, 1, "nonce_mismatch"},
		{[]string{"--access-token", other.AccessToken}, 1, "at_hash_mismatch"},
	} {
		res := p.run(append(append([]string{"token", "verify", "--brand", "acme", "-o", "json"}, tc.args...), tk.IDToken)...)
		var out struct {
			Valid  bool   `json:"valid"`
			Reason string `json:"reason"`
			Checks []struct {
				Name string `json:"name"`
				OK   bool   `json:"ok"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
			t.Fatalf("%v: %v: %s %s", tc.args, err, res.Stdout, res.Stderr)
		}
		if res.Code != tc.code || out.Reason != tc.reason {
			t.Errorf("%v: exit %d reason %q; want %d %q", tc.args, res.Code, out.Reason, tc.code, tc.reason)
		}
		if tc.code == 0 && (len(out.Checks) < 2 || out.Checks[len(out.Checks)-2].Name != "nonce" || out.Checks[len(out.Checks)-1].Name != "at_hash") {
			t.Errorf("checks: %+v", out.Checks)
		}
	}
	text := p.run("token", "verify", "--brand", "acme", "--nonce", "n-123", tk.IDToken)
	expectCode(t, text, 0)
	if !strings.Contains(text.Stdout, "✓ nonce       nonce matches the sign-in") {
		t.Errorf("text:\n%s", text.Stdout)
	}
	batch := p.run("token", "verify", "--brand", "acme", "--nonce", "n-123", "--batch", "-")
	if batch.Code != 2 || !strings.Contains(batch.Stderr, "do not apply with --batch") {
		t.Errorf("--batch with --nonce: exit %d %q", batch.Code, batch.Stderr)
	}
}

var (
	reAuthQuery = regexp.MustCompile(`/authorize\?\S+`)
	reSub       = regexp.MustCompile(`sub "[0-9a-f-]{36}"`)
)

// What token fetch tells the person on stderr, per flow.
func TestTokenFetchMessagesGolden(t *testing.T) {
	c := newFetchCIAM(t, ciamemu.Options{ClientSecret: "s3cret", DeviceInterval: time.Second})
	env := map[string]string{"CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_CLIENT_SECRET": "s3cret", "CIAMCTL_CIAM_PASSWORD": "password"}
	normalize := func(s string) string {
		s = strings.ReplaceAll(s, c.iss, "$ISSUER")
		s = reAuthQuery.ReplaceAllString(s, "/authorize?…")
		s = regexp.MustCompile(`code [B-Z]{4}-[B-Z]{4}`).ReplaceAllString(s, "code XXXX-XXXX")
		s = regexp.MustCompile(`user_code=[B-Z]{4}-[B-Z]{4}`).ReplaceAllString(s, "user_code=XXXX-XXXX")
		return reSub.ReplaceAllString(s, `sub "UUID"`)
	}
	var all strings.Builder
	record := func(name string, res clitest.Result) {
		expectCode(t, res, 0)
		fmt.Fprintf(&all, "%s\n%s\n", strings.TrimSpace("$ ciamctl token fetch --brand acme "+name), normalize(res.Stderr))
	}
	record("", c.run(clitest.Opts{Env: env, Browser: alice(t).open}))
	record("--flow password --username alice", c.run(clitest.Opts{Env: env}, "--flow", "password", "--username", "alice"))
	go func() {
		for range 300 {
			if pending := c.ciam.PendingUserCodes(); len(pending) == 1 {
				_ = c.ciam.ApproveDevice(pending[0], "alice")
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	record("--flow device", c.run(clitest.Opts{Env: env}, "--flow", "device"))
	record("--flow client-credentials", c.run(clitest.Opts{Env: env}, "--flow", "client-credentials"))
	clitest.Golden(t, "token/fetch-messages.txt", all.String())
}

// A discovery document that names a cleartext token endpoint, or has a
// member of the wrong type, stops token fetch before any token request.
func TestTokenFetchRefusesABadDiscoveryDocument(t *testing.T) {
	var doc string
	var tokenRequests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == ciamemu.PathToken {
			tokenRequests.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(strings.ReplaceAll(doc, "$ISS", "http://"+r.Host)))
	}))
	defer srv.Close()
	dir := t.TempDir()
	r := strings.NewReplacer("$ISSUER", srv.URL, "$MOBILE_CLAIM", "phone_number")
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(r.Replace(acmeBrandTemplate)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir(), "CIAMCTL_CIAM_PASSWORD": "pw"}
	for _, tc := range []struct{ doc, want string }{
		{`{"issuer":"$ISS","jwks_uri":"$ISS/jwks","token_endpoint":"http://id.example/oauth/token","grant_types_supported":["password"]}`,
			"discovery's token_endpoint http://id.example/oauth/token: plain http to a host that is not loopback would send it unencrypted"},
		{`{"issuer":"$ISS","jwks_uri":"$ISS/jwks","token_endpoint":"$ISS/oauth/token","grant_types_supported":"password"}`,
			"grant_types_supported is not an array of strings"},
	} {
		doc = tc.doc
		res := clitest.Run(t, clitest.Opts{Env: env}, "token", "fetch", "--brand", "acme", "--flow", "password", "--username", "u", "--dir", dir)
		if res.Code != 1 || !strings.Contains(res.Stderr, tc.want) {
			t.Errorf("exit %d %q; want 1 with %q", res.Code, res.Stderr, tc.want)
		}
	}
	if n := tokenRequests.Load(); n != 0 {
		t.Errorf("%d token request(s) made", n)
	}
}
