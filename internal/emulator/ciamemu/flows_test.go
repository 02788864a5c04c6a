package ciamemu_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

// noFollow is a browser that stops at redirects, so a test can read where
// the CIAM sends it (a loopback callback nobody listens on here).
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func discover(t *testing.T, base string) map[string]any {
	t.Helper()
	var d map[string]any
	getJSON(t, base+ciamemu.PathDiscovery, &d)
	return d
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestDiscoveryAdvertisesExactlyWhatIsOffered(t *testing.T) {
	_, pub := start(t, ciamemu.Options{})
	d := discover(t, pub.URL)
	if g := strs(d["grant_types_supported"]); !slices.Equal(g, []string{"authorization_code", "password", "urn:ietf:params:oauth:grant-type:device_code", "refresh_token"}) {
		t.Errorf("public client grants: %v", g)
	}
	if m := strs(d["token_endpoint_auth_methods_supported"]); !slices.Equal(m, []string{"none"}) {
		t.Errorf("public client auth methods: %v", m)
	}
	if d["authorization_endpoint"] != pub.URL+"/authorize" || d["device_authorization_endpoint"] != pub.URL+"/oauth/device/code" ||
		!slices.Equal(strs(d["code_challenge_methods_supported"]), []string{"S256"}) || !slices.Equal(strs(d["response_types_supported"]), []string{"code"}) {
		t.Errorf("discovery: %v", d)
	}

	_, conf := start(t, ciamemu.Options{ClientSecret: "shh"})
	d = discover(t, conf.URL)
	if g := strs(d["grant_types_supported"]); !slices.Contains(g, "client_credentials") {
		t.Errorf("confidential client grants: %v", g)
	}
	if m := strs(d["token_endpoint_auth_methods_supported"]); !slices.Equal(m, []string{"client_secret_basic", "client_secret_post"}) {
		t.Errorf("confidential auth methods: %v", m)
	}

	_, only := start(t, ciamemu.Options{Grants: []string{"password"}})
	d = discover(t, only.URL)
	if _, has := d["authorization_endpoint"]; has {
		t.Error("authorization_endpoint advertised without the code grant")
	}
	if _, has := d["device_authorization_endpoint"]; has {
		t.Error("device endpoint advertised without the device grant")
	}
	if res, _ := noFollow.Get(only.URL + "/authorize?client_id=ciamctl-demo"); res.StatusCode != 400 {
		t.Errorf("authorize without the code grant: %d", res.StatusCode)
	}
}

// codeFlow is one authorization request as a browser makes it.
type codeFlow struct {
	redirect, state, nonce, verifier string
	extra                            url.Values
}

func newCodeFlow() *codeFlow {
	return &codeFlow{redirect: "http://127.0.0.1:54321/callback", state: "st-1", nonce: "n-1", verifier: strings.Repeat("v", 43)}
}

func (c *codeFlow) url(base string) string {
	sum := sha256.Sum256([]byte(c.verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {"ciamctl-demo"}, "redirect_uri": {c.redirect}, "scope": {"openid email"},
		"state": {c.state}, "nonce": {c.nonce}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	for k, v := range c.extra {
		q[k] = v
	}
	return base + "/authorize?" + q.Encode()
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signIn opens the authorize URL, posts the login form and returns the
// redirect the CIAM answers with.
func signIn(t *testing.T, base, authURL, username, password, action string) *url.URL {
	t.Helper()
	res, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, res)
	m := requestField.FindStringSubmatch(page)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("authorize: %d %s", res.StatusCode, page)
	}
	res, err = noFollow.PostForm(base+"/authorize", url.Values{"request": {m[1]}, "username": {username}, "password": {password}, "action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	page = body(t, res)
	if res.StatusCode != http.StatusFound {
		t.Fatalf("login: %d %s", res.StatusCode, page)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAuthorizationCodeFlowWithPKCE(t *testing.T) {
	s, ts := start(t, ciamemu.Options{})
	c := newCodeFlow()

	// A wrong password shows the form again.
	res, _ := noFollow.Get(c.url(ts.URL))
	m := requestField.FindStringSubmatch(body(t, res))
	res, _ = noFollow.PostForm(ts.URL+"/authorize", url.Values{"request": {m[1]}, "username": {"alice"}, "password": {"nope"}, "action": {"login"}})
	if p := body(t, res); res.StatusCode != 200 || !strings.Contains(p, "Wrong username or password") || !strings.Contains(p, m[1]) {
		t.Fatalf("wrong password: %d %s", res.StatusCode, p)
	}

	loc := signIn(t, ts.URL, c.url(ts.URL), "alice", "password", "login")
	code := loc.Query().Get("code")
	if loc.Host != "127.0.0.1:54321" || loc.Path != "/callback" || loc.Query().Get("state") != "st-1" || code == "" {
		t.Fatalf("callback: %s", loc)
	}
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "client_id": {"ciamctl-demo"}, "code_verifier": {c.verifier}}
	st, tok := postForm(t, ts.URL+"/oauth/token", exchange)
	if st != 200 || tok["id_token"] == nil {
		t.Fatalf("exchange: %d %v", st, tok)
	}
	idt, err := jwt.ParseInsecure([]byte(tok["id_token"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := s.FindUser("alice")
	nonce, _ := idt.Get("nonce")
	atHash, _ := idt.Get("at_hash")
	sum := sha256.Sum256([]byte(tok["access_token"].(string)))
	if idt.Subject() != alice.Sub || nonce != "n-1" || atHash != base64.RawURLEncoding.EncodeToString(sum[:16]) || tok["scope"] != "openid email" {
		t.Errorf("ID token: sub %s nonce %v at_hash %v scope %v", idt.Subject(), nonce, atHash, tok["scope"])
	}
	// A code is redeemed once.
	if st, again := postForm(t, ts.URL+"/oauth/token", exchange); st != 400 || again["error"] != "invalid_grant" {
		t.Errorf("second exchange: %d %v", st, again)
	}
}

func TestAuthorizationCodeRefusals(t *testing.T) {
	_, ts := start(t, ciamemu.Options{})

	// The PKCE verifier must match the challenge; the code is spent anyway.
	c := newCodeFlow()
	loc := signIn(t, ts.URL, c.url(ts.URL), "alice", "password", "login")
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {c.redirect}, "client_id": {"ciamctl-demo"},
		"code_verifier": {strings.Repeat("w", 43)}}
	if st, body := postForm(t, ts.URL+"/oauth/token", exchange); st != 400 || body["error"] != "invalid_grant" || !strings.Contains(body["error_description"].(string), "PKCE") {
		t.Errorf("wrong verifier: %d %v", st, body)
	}
	exchange.Set("code_verifier", c.verifier)
	if st, body := postForm(t, ts.URL+"/oauth/token", exchange); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("the code survived a failed exchange: %d %v", st, body)
	}

	// Another redirect_uri at the exchange.
	loc = signIn(t, ts.URL, c.url(ts.URL), "alice", "password", "login")
	exchange = url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:1/callback"},
		"client_id": {"ciamctl-demo"}, "code_verifier": {c.verifier}}
	if st, body := postForm(t, ts.URL+"/oauth/token", exchange); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("other redirect_uri: %d %v", st, body)
	}

	// Cancel on the login page: access_denied with the state.
	loc = signIn(t, ts.URL, c.url(ts.URL), "", "", "deny")
	if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st-1" || loc.Query().Has("code") {
		t.Errorf("deny: %s", loc)
	}

	// Requests the CIAM sends back as errors (the redirect URI is registered).
	for name, extra := range map[string]url.Values{
		"no PKCE":        {"code_challenge": {""}},
		"plain PKCE":     {"code_challenge_method": {"plain"}},
		"implicit":       {"response_type": {"id_token"}},
		"any other port": nil,
	} {
		c := newCodeFlow()
		c.extra = extra
		if name == "any other port" {
			c.redirect = "http://127.0.0.1:8/callback"
		}
		res, err := noFollow.Get(c.url(ts.URL))
		if err != nil {
			t.Fatal(err)
		}
		body(t, res)
		loc, _ := url.Parse(res.Header.Get("Location"))
		switch {
		case name == "any other port":
			if res.StatusCode != 200 {
				t.Errorf("%s: %d, want the login page (RFC 8252 §7.3)", name, res.StatusCode)
			}
		case res.StatusCode != http.StatusFound || loc.Query().Get("error") == "" || loc.Query().Get("state") != "st-1":
			t.Errorf("%s: %d %s", name, res.StatusCode, loc)
		}
	}

	// Requests shown as an error page, never redirected: the redirect URI is not registered.
	for _, redirect := range []string{"http://localhost:5000/callback", "http://127.0.0.1:5000/other", "https://evil.example/callback", "http://10.0.0.1:5000/callback"} {
		c := newCodeFlow()
		c.redirect = redirect
		res, err := noFollow.Get(c.url(ts.URL))
		if err != nil {
			t.Fatal(err)
		}
		if p := body(t, res); res.StatusCode != 400 || res.Header.Get("Location") != "" || !strings.Contains(p, "Redirect URI not registered") {
			t.Errorf("%s: %d %q", redirect, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestDeviceFlow(t *testing.T) {
	s, ts := start(t, ciamemu.Options{})
	st, da := postForm(t, ts.URL+ciamemu.PathDeviceAuthorization, url.Values{"client_id": {"ciamctl-demo"}, "scope": {"openid"}})
	userCode, _ := da["user_code"].(string)
	if st != 200 || !regexp.MustCompile(`^[B-Z]{4}-[B-Z]{4}$`).MatchString(userCode) || da["verification_uri"] != ts.URL+"/device" ||
		da["interval"] != float64(5) || da["expires_in"] != float64(600) {
		t.Fatalf("device authorization: %d %v", st, da)
	}
	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da["device_code"].(string)}, "client_id": {"ciamctl-demo"}}
	if st, body := postForm(t, ts.URL+"/oauth/token", poll); st != 400 || body["error"] != "authorization_pending" {
		t.Fatalf("before approval: %d %v", st, body)
	}
	if got := s.PendingUserCodes(); !slices.Equal(got, []string{userCode}) {
		t.Errorf("pending: %v", got)
	}

	// The user approves on the verification page (a wrong password first).
	res, _ := http.Get(da["verification_uri_complete"].(string))
	if p := body(t, res); !strings.Contains(p, `value="`+userCode+`"`) {
		t.Errorf("verification page does not carry the code: %s", p)
	}
	res, _ = http.PostForm(ts.URL+"/device", url.Values{"user_code": {userCode}, "username": {"bob"}, "password": {"x"}, "action": {"approve"}})
	if p := body(t, res); !strings.Contains(p, "Wrong username or password") {
		t.Errorf("wrong password: %s", p)
	}
	res, _ = http.PostForm(ts.URL+"/device", url.Values{"user_code": {userCode}, "username": {"bob"}, "password": {"password"}, "action": {"approve"}})
	if p := body(t, res); !strings.Contains(p, "Device approved") {
		t.Fatalf("approve: %s", p)
	}
	st, tok := postForm(t, ts.URL+"/oauth/token", poll)
	if st != 200 || tok["id_token"] == nil {
		t.Fatalf("after approval: %d %v", st, tok)
	}
	idt, _ := jwt.ParseInsecure([]byte(tok["id_token"].(string)))
	if bob, _ := s.FindUser("bob"); idt.Subject() != bob.Sub {
		t.Errorf("sub %s", idt.Subject())
	}
	if st, body := postForm(t, ts.URL+"/oauth/token", poll); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("device code used twice: %d %v", st, body)
	}

	// Denied through the API a test drives.
	_, da = postForm(t, ts.URL+ciamemu.PathDeviceAuthorization, url.Values{"client_id": {"ciamctl-demo"}})
	if err := s.DenyDevice(da["user_code"].(string)); err != nil {
		t.Fatal(err)
	}
	poll.Set("device_code", da["device_code"].(string))
	if st, body := postForm(t, ts.URL+"/oauth/token", poll); st != 400 || body["error"] != "access_denied" {
		t.Errorf("denied: %d %v", st, body)
	}
	if err := s.ApproveDevice("NOPE-NOPE", "alice"); err == nil {
		t.Error("approving an unknown code must fail")
	}
}

func TestClientCredentialsAndClientAuthentication(t *testing.T) {
	_, pub := start(t, ciamemu.Options{})
	if st, body := postForm(t, pub.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"ciamctl-demo"}}); st != 400 || body["error"] != "unauthorized_client" {
		t.Errorf("public client: %d %v", st, body)
	}

	_, ts := start(t, ciamemu.Options{ClientSecret: "s3cr/t", TokenAuthMethods: []string{"client_secret_post"}})
	req, _ := http.NewRequest("POST", ts.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("ciamctl-demo", url.QueryEscape("s3cr/t"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var refused map[string]string
	_ = json.NewDecoder(res.Body).Decode(&refused)
	res.Body.Close()
	if res.StatusCode != 401 || !strings.Contains(refused["error_description"], "client_secret_post") {
		t.Errorf("basic where only post is accepted: %d %v", res.StatusCode, refused)
	}
	st, tok := postForm(t, ts.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"ciamctl-demo"}, "client_secret": {"s3cr/t"}})
	if st != 200 || tok["access_token"] == "" || tok["id_token"] != nil {
		t.Errorf("client credentials: %d %v", st, tok)
	}

	_, basic := start(t, ciamemu.Options{ClientSecret: "s3cr/t"})
	req, _ = http.NewRequest("POST", basic.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("ciamctl-demo", url.QueryEscape("s3cr/t"))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("client_secret_basic with a form-encoded secret: %v %v", res.Status, err)
	}
}

// A user's sign-in gets a refresh token when the grant is offered: it is spent once (the answer
// carries a new one), may narrow the scope but not widen it, and revocation (RFC 7009) ends it.
func TestRefreshTokens(t *testing.T) {
	_, ts := start(t, ciamemu.Options{})
	password := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"password"}, "client_id": {"ciamctl-demo"}}
	st, tok := postForm(t, ts.URL+"/oauth/token", password)
	rt, _ := tok["refresh_token"].(string)
	if st != 200 || rt == "" {
		t.Fatalf("password grant: %d %v", st, tok)
	}
	refresh := func(rt, scope string) (int, map[string]any) {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"ciamctl-demo"}}
		if scope != "" {
			form.Set("scope", scope)
		}
		return postForm(t, ts.URL+"/oauth/token", form)
	}
	if st, body := refresh(rt, "openid offline_access"); st != 400 || body["error"] != "invalid_scope" {
		t.Errorf("a wider scope: %d %v", st, body)
	}
	st, again := refresh(rt, "openid email")
	rt2, _ := again["refresh_token"].(string)
	if st != 200 || again["id_token"] == nil || again["scope"] != "openid email" || rt2 == "" || rt2 == rt {
		t.Fatalf("refresh (the refused wider scope must not have spent it): %d %v", st, again)
	}
	if st, body := refresh(rt, ""); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("a spent refresh token: %d %v", st, body)
	}
	if st, _ := postForm(t, ts.URL+"/oauth/revoke", url.Values{"token": {rt2}, "token_type_hint": {"refresh_token"}, "client_id": {"ciamctl-demo"}}); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if st, body := refresh(rt2, ""); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("a revoked refresh token: %d %v", st, body)
	}

	_, none := start(t, ciamemu.Options{Grants: []string{"password"}})
	if st, tok := postForm(t, none.URL+"/oauth/token", password); st != 200 || tok["refresh_token"] != nil {
		t.Errorf("without the refresh_token grant: %d %v", st, tok)
	}
}
