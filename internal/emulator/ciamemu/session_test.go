package ciamemu_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

func bearerGet(t *testing.T, u, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// Discovery names both session endpoints; revocation (RFC 7009) makes userinfo refuse the access token,
// and answers 200 for tokens it does not know.
func TestRevocation(t *testing.T) {
	s, ts := start(t, ciamemu.Options{ClientID: "app"})
	var doc map[string]any
	getJSON(t, ts.URL+ciamemu.PathDiscovery, &doc)
	if doc["end_session_endpoint"] != ts.URL+"/logout" || doc["revocation_endpoint"] != ts.URL+"/oauth/revoke" {
		t.Fatalf("discovery: %v", doc)
	}
	tk, err := s.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if code := bearerGet(t, ts.URL+"/userinfo", tk.AccessToken); code != 200 {
		t.Fatalf("userinfo before: %d", code)
	}
	if code, body := postForm(t, ts.URL+"/oauth/revoke", url.Values{"token": {tk.AccessToken}, "client_id": {"other"}}); code != 401 || body["error"] != "invalid_client" {
		t.Errorf("wrong client: %d %v", code, body)
	}
	if code, body := postForm(t, ts.URL+"/oauth/revoke", url.Values{"client_id": {"app"}}); code != 400 || body["error"] != "invalid_request" {
		t.Errorf("no token: %d %v", code, body)
	}
	if code := bearerGet(t, ts.URL+"/userinfo", tk.AccessToken); code != 200 {
		t.Fatalf("a refused revocation revoked: %d", code)
	}
	for i := 0; i < 2; i++ { // the second time the token is unknown: still 200
		if code, _ := postForm(t, ts.URL+"/oauth/revoke", url.Values{"token": {tk.AccessToken}, "token_type_hint": {"access_token"}, "client_id": {"app"}}); code != 200 {
			t.Fatalf("revoke %d: %d", i, code)
		}
	}
	if code := bearerGet(t, ts.URL+"/userinfo", tk.AccessToken); code != 401 {
		t.Errorf("userinfo after revocation: %d", code)
	}
}

// RP-initiated logout needs an ID token this CIAM issued for its client (expired ones too).
func TestEndSession(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s, ts := start(t, ciamemu.Options{ClientID: "app", Now: c.Now})
	other, ots := start(t, ciamemu.Options{ClientID: "app"})
	tk, _ := s.IssueTokens("alice", ciamemu.TokenOptions{})
	foreign, _ := other.IssueTokens("alice", ciamemu.TokenOptions{Issuer: ots.URL})
	alice, _ := s.FindUser("alice")
	for _, bad := range []url.Values{{}, {"id_token_hint": {"garbage"}}, {"id_token_hint": {foreign.IDToken}},
		{"id_token_hint": {tk.IDToken}, "client_id": {"someone-else"}}} {
		if code, body := postForm(t, ts.URL+"/logout", bad); code != 400 || body["error"] != "invalid_request" {
			t.Errorf("%v: %d %v", bad, code, body)
		}
	}
	if len(s.Logouts()) != 0 {
		t.Fatal("a refused logout was recorded")
	}
	c.Advance(2 * time.Hour) // the ID token has expired: still a fine hint
	res, err := http.Get(ts.URL + "/logout?id_token_hint=" + url.QueryEscape(tk.IDToken))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("logout: %s", res.Status)
	}
	if l := s.Logouts(); len(l) != 1 || l[0].Sub != alice.Sub {
		t.Errorf("logouts: %v", l)
	}
}

// A CIAM without the endpoints: discovery names neither and both paths are 404.
func TestSessionEndpointsOff(t *testing.T) {
	s, ts := start(t, ciamemu.Options{})
	s.SetSessionEndpoints(false)
	var doc map[string]any
	getJSON(t, ts.URL+ciamemu.PathDiscovery, &doc)
	if _, ok := doc["end_session_endpoint"]; ok {
		t.Errorf("discovery: %v", doc)
	}
	if _, ok := doc["revocation_endpoint"]; ok {
		t.Errorf("discovery: %v", doc)
	}
	for _, p := range []string{"/logout", "/oauth/revoke"} {
		if code, _ := postForm(t, ts.URL+p, url.Values{"token": {"x"}}); code != 404 {
			t.Errorf("%s: %d", p, code)
		}
	}
}

// The admin API changes a user so the next login carries the new claims; it needs the admin token.
func TestAdminChangesAUser(t *testing.T) {
	s, ts := start(t, ciamemu.Options{Seed: "admin"})
	patch := func(login, token, body string) int {
		req, _ := http.NewRequest("PATCH", ts.URL+"/admin/users/"+login, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	admin := s.AdminToken()
	if !strings.HasPrefix(admin, "adm-") || admin != ciamemu.New(ciamemu.Options{Seed: "admin"}).AdminToken() {
		t.Errorf("admin token %q is not reproducible with a seed", admin)
	}
	if code := patch("alice", "", `{"family_name":"X"}`); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code := patch("alice", "wrong", `{"family_name":"X"}`); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	if code := patch("nobody", admin, `{"family_name":"X"}`); code != 404 {
		t.Errorf("unknown user: %d", code)
	}
	if code := patch("alice", admin, `{"surname":"X"}`); code != 400 {
		t.Errorf("unknown member: %d", code)
	}
	if code := patch("alice", admin, `{"family_name":"Anders-Smith","phone_number":"+44 7700 900123"}`); code != 200 {
		t.Fatalf("patch: %d", code)
	}
	tk, _ := s.IssueTokens("alice", ciamemu.TokenOptions{})
	tok, err := jwt.ParseInsecure([]byte(tk.IDToken))
	if err != nil {
		t.Fatal(err)
	}
	fam, _ := tok.Get("family_name")
	phone, _ := tok.Get("phone_number")
	given, _ := tok.Get("given_name")
	if fam != "Anders-Smith" || phone != "+44 7700 900123" || given != "Alice" {
		t.Errorf("next login: %v %v %v", fam, phone, given)
	}
	var paths []string
	for _, r := range s.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	if len(paths) != 5 || paths[4] != "PATCH /admin/users/alice" {
		t.Errorf("request log: %v", paths)
	}
}

// Revocation authenticates the client as the token endpoint does (RFC 7009 §2.1), by the methods
// discovery advertises for it: a public client presents no secret, a confidential one its secret by an
// accepted method, form-encoded in Basic as RFC 6749 §2.3.1 says (as rp.Revoke sends it).
func TestRevocationAuthenticatesTheClientAsTheTokenEndpoint(t *testing.T) {
	revoke := func(base, token string, form url.Values, basicID, basicSecret string) int {
		t.Helper()
		form.Set("token", token)
		req, _ := http.NewRequest("POST", base+ciamemu.PathRevoke, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basicID != "" {
			req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	s, post := start(t, ciamemu.Options{ClientID: "app", ClientSecret: "s3cret", TokenAuthMethods: []string{ciamemu.AuthSecretPost}})
	var doc map[string]any
	getJSON(t, post.URL+ciamemu.PathDiscovery, &doc)
	if m, _ := doc["revocation_endpoint_auth_methods_supported"].([]any); len(m) != 1 || m[0] != ciamemu.AuthSecretPost {
		t.Errorf("revocation_endpoint_auth_methods_supported: %v, want only what is accepted", doc["revocation_endpoint_auth_methods_supported"])
	}
	tk, _ := s.IssueTokens("alice", ciamemu.TokenOptions{})
	if code := revoke(post.URL, tk.AccessToken, url.Values{}, "app", "s3cret"); code != 401 {
		t.Errorf("client_secret_basic where only client_secret_post is accepted: %d", code)
	}
	if code := revoke(post.URL, tk.AccessToken, url.Values{"client_id": {"app"}}, "", ""); code != 401 {
		t.Errorf("a confidential client without its secret: %d", code)
	}
	if code := bearerGet(t, post.URL+ciamemu.PathUserinfo, tk.AccessToken); code != 200 {
		t.Fatalf("a refused revocation revoked: %d", code)
	}
	if code := revoke(post.URL, tk.AccessToken, url.Values{"client_id": {"app"}, "client_secret": {"s3cret"}}, "", ""); code != 200 {
		t.Errorf("client_secret_post: %d", code)
	}

	s, basic := start(t, ciamemu.Options{ClientID: "app", ClientSecret: "s3cr/t+"})
	tk, _ = s.IssueTokens("alice", ciamemu.TokenOptions{})
	if code := revoke(basic.URL, tk.AccessToken, url.Values{}, "app", "s3cr/t+"); code != 200 {
		t.Errorf("client_secret_basic with a form-encoded secret: %d", code)
	}
	if code := bearerGet(t, basic.URL+ciamemu.PathUserinfo, tk.AccessToken); code != 401 {
		t.Errorf("userinfo after revocation: %d", code)
	}

	s, public := start(t, ciamemu.Options{ClientID: "app"})
	tk, _ = s.IssueTokens("alice", ciamemu.TokenOptions{})
	if code := revoke(public.URL, tk.AccessToken, url.Values{"client_id": {"app"}, "client_secret": {"guess"}}, "", ""); code != 401 {
		t.Errorf("a public client presenting a secret: %d", code)
	}
}
