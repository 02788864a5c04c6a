package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

func (p *platform) tokens(login string) ciamemu.Tokens {
	p.t.Helper()
	tk, err := p.ciam.IssueTokens(login, ciamemu.TokenOptions{})
	if err != nil {
		p.t.Fatal(err)
	}
	return tk
}

// normalizeCIAM hides what differs between runs in CIAM answers: the user's sub.
func (p *platform) normalizeSub(s, login string) string {
	return p.normalize(strings.ReplaceAll(s, p.sub(login), "$SUB"))
}

// token userinfo calls userinfo with the access token, checks sub against the ID token and shows where
// the mapped claims differ (here the CIAM changed the phone after the ID token was issued).
func TestTokenUserinfo(t *testing.T) {
	p := newPlatform(t)
	tk := p.tokens("alice")
	res := p.run("token", "userinfo", "--brand", "acme", tk.AccessToken, "--id-token", tk.IDToken)
	expectCode(t, res, 0)
	clitest.Golden(t, "token/userinfo.txt", p.normalizeSub(res.Stdout, "alice"))
	if strings.Contains(res.Stdout+res.Stderr, tk.AccessToken) {
		t.Error("the access token is printed")
	}

	if _, err := p.ciam.UpdateUser(p.sub("alice"), func(u *ciamemu.User) { u.PhoneNumber = "+44 7700 900123" }); err != nil {
		t.Fatal(err)
	}
	differs := p.runStdin(tk.AccessToken+"\n", "token", "userinfo", "--brand", "acme", "-", "--id-token", tk.IDToken, "-o", "json")
	expectCode(t, differs, 0)
	clitest.Golden(t, "token/userinfo-differs.json", p.normalizeSub(differs.Stdout, "alice"))
	var rep struct {
		OK         bool
		SubMatches *bool `json:"subMatches"`
		Mappings   []struct {
			Field, IDToken, Userinfo string
			Same                     bool
		}
	}
	if err := json.Unmarshal([]byte(differs.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.SubMatches == nil || !*rep.SubMatches || len(rep.Mappings) != 4 || rep.Mappings[2].Field != "mobile" ||
		rep.Mappings[2].Same || rep.Mappings[2].IDToken != "447700900001" || rep.Mappings[2].Userinfo != "447700900123" || !rep.Mappings[0].Same {
		t.Errorf("report: %s", differs.Stdout)
	}

	noID := p.run("token", "userinfo", "--brand", "acme", tk.AccessToken)
	expectCode(t, noID, 0)
	if !strings.Contains(noID.Stdout, "sub not compared") {
		t.Errorf("without --id-token:\n%s", noID.Stdout)
	}
}

func TestTokenUserinfoRefusals(t *testing.T) {
	p := newPlatform(t)
	alice, bob := p.tokens("alice"), p.tokens("bob")

	// OpenID Connect Core §5.3.2: userinfo for another sub must not be used.
	other := p.run("token", "userinfo", "--brand", "acme", alice.AccessToken, "--id-token", bob.IDToken)
	expectCode(t, other, 1)
	if !strings.Contains(other.Stdout, "must not be used") {
		t.Errorf("sub mismatch:\n%s", other.Stdout)
	}
	// An invalid ID token: userinfo is not called.
	p.ciam.ResetRequests()
	p.writeBrand("other", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: other", 1), "clientId: acme-loyalty", "clientId: other-client", 1))
	bad := p.run("token", "userinfo", "--brand", "other", alice.AccessToken, "--id-token", alice.IDToken)
	expectCode(t, bad, 1)
	for _, r := range p.ciam.Requests() {
		if r.Path == ciamemu.PathUserinfo {
			t.Error("userinfo was called with an invalid ID token")
		}
	}

	p.ciam.RevokeAccessTokens()
	revoked := p.run("token", "userinfo", "--brand", "acme", alice.AccessToken)
	expectCode(t, revoked, 1)
	oneLineError(t, revoked, "userinfo refused the access token")
	if !strings.Contains(revoked.Stderr, "invalid_token") || strings.Contains(revoked.Stderr, alice.AccessToken) {
		t.Errorf("stderr: %s", revoked.Stderr)
	}

	expectCode(t, p.runStdin("", "token", "userinfo", "--brand", "acme"), 2)
	expectCode(t, p.run("token", "userinfo", alice.AccessToken), 2)
	p.writeBrand("down", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: down", 1),
		"userinfoEndpoint: $ISSUER/userinfo", "userinfoEndpoint: http://127.0.0.1:1/userinfo", 1))
	down := p.run("token", "userinfo", "--brand", "down", alice.AccessToken)
	expectCode(t, down, 3)
	oneLineError(t, down, "connection refused")
	p.writeBrand("plain", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: plain", 1),
		"userinfoEndpoint: $ISSUER/userinfo", "userinfoEndpoint: http://id.acme.example/userinfo", 1))
	// A brand whose userinfo endpoint is plain http has an error, and a brand with errors is never used.
	plain := p.run("token", "userinfo", "--brand", "plain", alice.AccessToken)
	expectCode(t, plain, 2)
	if !strings.Contains(plain.Stderr, "must use https") || !strings.Contains(plain.Stderr, "cannot be used") {
		t.Errorf("stderr: %s", plain.Stderr)
	}
}

// ciamRequests lists the CIAM emulator's requests other than discovery and the key set.
func (p *platform) ciamRequests() []string {
	var out []string
	for _, r := range p.ciam.Requests() {
		if r.Path != ciamemu.PathDiscovery && r.Path != ciamemu.PathJWKS {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// The guide's logout: the dry run sends nothing; --apply ends the session, revokes the access token, and
// userinfo then refuses it. Nothing reaches the platform.
func TestFlowLogout(t *testing.T) {
	p := newPlatform(t)
	p.loggedIn("alice")
	tk := p.tokens("alice")
	args := []string{"flow", "logout", "--brand", "acme", "--id-token-hint", tk.IDToken, "--access-token", tk.AccessToken}

	p.ciam.ResetRequests()
	dry := p.run(args...)
	expectCode(t, dry, 0)
	clitest.Golden(t, "flow/logout-dry-run.txt", p.normalize(dry.Stdout))
	if got := p.ciamRequests(); len(got) != 0 {
		t.Fatalf("the dry run sent %v", got)
	}
	dryJSON := p.run(append(args, "-o", "json")...)
	expectCode(t, dryJSON, 0)
	clitest.Golden(t, "flow/logout-dry-run.json", p.normalize(dryJSON.Stdout))

	applied := p.run(append(args, "--apply")...)
	expectCode(t, applied, 0)
	clitest.Golden(t, "flow/logout.txt", p.normalize(applied.Stdout))
	want := []string{"GET /userinfo", "GET /logout", "POST /oauth/revoke", "GET /userinfo"}
	if got := p.ciamRequests(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("requests %v, want %v", got, want)
	}
	if l := p.ciam.Logouts(); len(l) != 1 || l[0].Sub != p.sub("alice") {
		t.Errorf("logouts: %v", l)
	}
	if n := p.platformCalls(); n != 0 {
		t.Errorf("logout made %d platform calls", n)
	}
	out := applied.Stdout + applied.Stderr + dry.Stdout + dryJSON.Stdout
	if strings.Contains(out, tk.AccessToken) || strings.Contains(out, tk.IDToken) {
		t.Error("a token is printed")
	}
	expectCode(t, p.run("token", "userinfo", "--brand", "acme", tk.AccessToken), 1)

	// Again, as JSON: the token is already refused before; the revocation still answers 200.
	again := p.run(append(args, "--apply", "-o", "json")...)
	expectCode(t, again, 0)
	var res struct {
		OK                 bool
		AccessTokenRefused *bool `json:"accessTokenRefused"`
		Steps              []struct {
			Name   string
			Made   bool
			OK     bool
			Result string
		}
	}
	if err := json.Unmarshal([]byte(again.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.AccessTokenRefused == nil || !*res.AccessTokenRefused || len(res.Steps) != 4 || !strings.Contains(res.Steps[0].Result, "refused already") {
		t.Errorf("second logout: %s", again.Stdout)
	}
}

// A CIAM without the endpoints is one clear error, exit 1, and nothing is sent; bad input is exit 2.
func TestFlowLogoutRefusals(t *testing.T) {
	p := newPlatform(t)
	tk := p.tokens("alice")
	p.ciam.SetSessionEndpoints(false)
	p.ciam.ResetRequests()
	none := p.run("flow", "logout", "--brand", "acme", "--id-token-hint", tk.IDToken, "--access-token", tk.AccessToken, "--apply")
	expectCode(t, none, 1)
	oneLineError(t, none, "publishes neither end_session_endpoint nor revocation_endpoint")
	if got := p.ciamRequests(); len(got) != 0 {
		t.Errorf("sent %v", got)
	}
	p.ciam.SetSessionEndpoints(true)

	expectCode(t, p.run("flow", "logout", "--brand", "acme"), 2)
	expectCode(t, p.run("flow", "logout", "--access-token", tk.AccessToken), 2)
	// A refresh token alone is revoked (an unknown one too: RFC 7009 answers 200), without ending the session.
	refreshOnly := p.run("flow", "logout", "--brand", "acme", "--refresh-token", "rt-unknown", "--apply")
	expectCode(t, refreshOnly, 0)
	if !strings.Contains(refreshOnly.Stdout, "pass --id-token-hint") || len(p.ciam.Logouts()) != 0 {
		t.Errorf("refresh token only:\n%s", refreshOnly.Stdout)
	}

	// The CIAM refuses an ID token it did not issue: exit 1, and the report says which step.
	p.ciam.ResetRequests()
	bad := p.run("flow", "logout", "--brand", "acme", "--id-token-hint", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "--apply")
	expectCode(t, bad, 1)
	if !strings.Contains(bad.Stdout, "invalid_request") || !strings.Contains(bad.Stderr, "GET "+p.iss+"/logout: HTTP 400") {
		t.Errorf("refused logout:\nstdout %s\nstderr %s", bad.Stdout, bad.Stderr)
	}

	// A brand without an issuer has no discovery to find the endpoints in.
	p.writeBrand("noiss", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: noiss", 1), "  issuer: $ISSUER\n", "", 1))
	noIss := p.run("flow", "logout", "--brand", "noiss", "--access-token", tk.AccessToken, "--apply")
	expectCode(t, noIss, 1)
	oneLineError(t, noIss, "has no ciam.issuer")
}

// A CIAM that answers the revocation with 200 but keeps accepting the token fails the logout (exit 1).
func TestFlowLogoutRevocationThatDoesNotTake(t *testing.T) {
	p := newPlatform(t)
	emu := ciamemu.New(ciamemu.Options{ClientID: "acme-loyalty", Now: func() time.Time { return clitestNow }})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == ciamemu.PathRevoke {
			w.WriteHeader(http.StatusOK) // says yes, does nothing
			return
		}
		emu.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	emu.SetIssuer(ts.URL)
	tmpl := strings.Replace(strings.ReplaceAll(acmeBrandTemplate, "$ISSUER", ts.URL), "brand: acme", "brand: liar", 1)
	p.writeBrand("liar", tmpl)
	tk, err := emu.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := p.run("flow", "logout", "--brand", "liar", "--access-token", tk.AccessToken, "--apply")
	expectCode(t, res, 1)
	if !strings.Contains(res.Stdout, "the revocation did not take") || !strings.Contains(res.Stdout, "The logout is incomplete") {
		t.Errorf("stdout:\n%s", res.Stdout)
	}
	oneLineError(t, res, "userinfo still accepts the access token")
}

// Claims, platform answers and CIAM error descriptions reach the terminal escaped in the new commands.
func TestCIAMFlowsEscapeControlCharacters(t *testing.T) {
	p := newPlatform(t)
	p.link()
	u := p.ciam.AddUser(ciamemu.User{Username: "mallory", GivenName: forged, FamilyName: "M\u009b2K\u202e", Email: "mallory@example.com",
		PhoneNumber: "+44 7700 900777", Extra: map[string]any{"note": "\x1b]0;title\x07\x1b[31mred"}})
	tk := p.tokens(u.Sub)
	for _, args := range [][]string{
		{"token", "userinfo", "--brand", "acme", tk.AccessToken, "--id-token", tk.IDToken},
		{"flow", "login", "--brand", "acme", tk.IDToken, "--apply"},
		{"customer", "register", "--brand", "acme", "--source", "INSTORE", tk.IDToken, "--field", "x=\x1b[2K", "--apply"},
		{"customer", "change-identifier", "--brand", "acme", "--cuid", u.Sub, "--email", "mallory@example.com", "--token", tk.IDToken},
		{"customer", "lookup", "--brand", "acme", "--cuid", u.Sub},
	} {
		res := p.run(args...)
		if res.Code != 0 {
			t.Errorf("%v: exit %d: %s", args[:2], res.Code, res.Stderr)
		}
		noRawControls(t, strings.Join(args[:2], " "), res.Stdout+res.Stderr)
	}

	// A CIAM whose refusal carries a forged description.
	emu := ciamemu.New(ciamemu.Options{ClientID: "acme-loyalty", Now: func() time.Time { return clitestNow }})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == ciamemu.PathEndSession {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"\u001b[2K\r✓ logged out\u009b"}`))
			return
		}
		emu.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	emu.SetIssuer(ts.URL)
	p.writeBrand("evil", strings.Replace(strings.ReplaceAll(acmeBrandTemplate, "$ISSUER", ts.URL), "brand: acme", "brand: evil", 1))
	etk, _ := emu.IssueTokens("alice", ciamemu.TokenOptions{})
	res := p.run("flow", "logout", "--brand", "evil", "--id-token-hint", etk.IDToken, "--apply")
	expectCode(t, res, 1)
	noRawControls(t, "flow logout", res.Stdout+res.Stderr)
}

// A confidential client revokes with the authentication the CIAM's discovery advertises for its
// revocation_endpoint (RFC 8414 §2): here client_secret_post only, which a Basic header would fail. The
// plan names it; the secret is never printed.
func TestFlowLogoutRevocationAuthMethod(t *testing.T) {
	const secret = "s3cret/with+chars"
	p := newPlatformWith(t, ciamemu.Options{ClientSecret: secret, TokenAuthMethods: []string{ciamemu.AuthSecretPost}})
	p.env[cmdutil.EnvCIAMClientSecret] = secret
	tk := p.tokens("alice")
	args := []string{"flow", "logout", "--brand", "acme", "--access-token", tk.AccessToken}

	dry := p.run(args...)
	expectCode(t, dry, 0)
	if !strings.Contains(dry.Stdout, "token_type_hint=access_token&client_id=acme-loyalty&client_secret=<client secret>") {
		t.Errorf("the plan does not name client_secret_post:\n%s", dry.Stdout)
	}
	applied := p.run(append(args, "--apply", "-o", "json")...)
	expectCode(t, applied, 0)
	var res struct {
		OK    bool
		Steps []struct{ Name, Result string }
	}
	if err := json.Unmarshal([]byte(applied.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Steps) != 3 || res.Steps[1].Result != "HTTP 200: revoked" {
		t.Errorf("logout: %s", applied.Stdout)
	}
	for _, out := range []string{dry.Stdout, dry.Stderr, applied.Stdout, applied.Stderr} {
		if strings.Contains(out, secret) || strings.Contains(out, url.QueryEscape(secret)) {
			t.Fatal("the client secret is printed")
		}
	}
}

// A CIAM whose revocation_endpoint takes no client authentication ciamctl can send is one clear error
// before anything is sent (exit 1); without tokens to revoke, the session is still ended.
func TestFlowLogoutRevocationAuthRefused(t *testing.T) {
	p := newPlatformWith(t, ciamemu.Options{ClientSecret: "s3cret", TokenAuthMethods: []string{"private_key_jwt"}})
	p.env[cmdutil.EnvCIAMClientSecret] = "s3cret"
	tk := p.tokens("alice")
	p.ciam.ResetRequests()
	res := p.run("flow", "logout", "--brand", "acme", "--id-token-hint", tk.IDToken, "--access-token", tk.AccessToken, "--apply")
	expectCode(t, res, 1)
	oneLineError(t, res, "its revocation_endpoint takes client authentication by private_key_jwt; ciamctl sends a client secret")
	if !strings.Contains(res.Stderr, "nothing was sent") {
		t.Errorf("stderr: %s", res.Stderr)
	}
	if got := p.ciamRequests(); len(got) != 0 {
		t.Errorf("sent %v", got)
	}
	expectCode(t, p.run("flow", "logout", "--brand", "acme", "--id-token-hint", tk.IDToken, "--apply"), 0)
}
