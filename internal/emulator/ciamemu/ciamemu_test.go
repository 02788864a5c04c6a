package ciamemu_test

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/mapping"
)

var update = flag.Bool("update", false, "rewrite golden files")

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Clock() jwt.Clock { return jwt.ClockFunc(c.Now) }

func start(t *testing.T, opts ciamemu.Options) (*ciamemu.Server, *httptest.Server) {
	t.Helper()
	s := ciamemu.New(opts)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	if opts.Issuer == "" {
		s.SetIssuer(ts.URL)
	}
	return s, ts
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func postForm(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	res, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

type discoveryDoc struct {
	Issuer        string `json:"issuer"`
	JWKSURI       string `json:"jwks_uri"`
	TokenEndpoint string `json:"token_endpoint"`
	Userinfo      string `json:"userinfo_endpoint"`
}

func fetchJWKS(t *testing.T, u string) jwk.Set {
	t.Helper()
	set, err := jwk.Fetch(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDiscoveryJWKSTokenVerify(t *testing.T) {
	clk := &clock{t: time.Now()}
	s, ts := start(t, ciamemu.Options{ClientID: "acme-loyalty", ClientSecret: "shh", Now: clk.Now})

	var d discoveryDoc
	getJSON(t, ts.URL+"/.well-known/openid-configuration", &d)
	if d.Issuer != ts.URL || d.JWKSURI != ts.URL+"/.well-known/jwks.json" || d.TokenEndpoint != ts.URL+"/oauth/token" || d.Userinfo != ts.URL+"/userinfo" {
		t.Fatalf("discovery: %+v", d)
	}
	set := fetchJWKS(t, d.JWKSURI)
	if set.Len() != 2 {
		t.Fatalf("JWKS has %d keys, want RS256 + ES256", set.Len())
	}

	for _, alg := range []string{"RS256", "ES256"} {
		code, body := postForm(t, d.TokenEndpoint, url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"password"},
			"client_id": {"acme-loyalty"}, "client_secret": {"shh"}, "alg": {alg}, "nonce": {"n-1"}})
		if code != 200 {
			t.Fatalf("%s token: %d %v", alg, code, body)
		}
		idt, _ := body["id_token"].(string)
		if body["access_token"] == "" || body["token_type"] != "Bearer" || idt == "" {
			t.Fatalf("token response: %v", body)
		}
		tok, err := jwt.Parse([]byte(idt), jwt.WithKeySet(set), jwt.WithIssuer(ts.URL), jwt.WithAudience("acme-loyalty"), jwt.WithClock(clk.Clock()))
		if err != nil {
			t.Fatalf("%s: verifying against the JWKS: %v", alg, err)
		}
		msg, _ := jws.Parse([]byte(idt))
		if h := msg.Signatures()[0].ProtectedHeaders(); string(h.Algorithm()) != alg || h.KeyID() != s.SigningKeyID(alg) {
			t.Errorf("header alg=%s kid=%s, want %s %s", h.Algorithm(), h.KeyID(), alg, s.SigningKeyID(alg))
		}
		claims, _ := tok.AsMap(context.Background())
		if !uuidRE.MatchString(tok.Subject()) || claims["azp"] != "acme-loyalty" || claims["nonce"] != "n-1" ||
			claims["given_name"] != "Alice" || claims["family_name"] != "Anders" || claims["email"] != "alice@example.com" ||
			claims["phone_number"] != "+44 7700 900001" || claims[ciamemu.MobileClaim(ts.URL)] != "+44 7700 900001" {
			t.Errorf("claims: %v", claims)
		}
		if c, _ := claims["contact"].(map[string]any); c["email"] != "alice@example.com" {
			t.Errorf("nested contact claim: %v", claims["contact"])
		}
		if !strings.HasPrefix(ciamemu.MobileClaim(ts.URL), "https://127.0.0.1:") {
			t.Errorf("MobileClaim = %s", ciamemu.MobileClaim(ts.URL))
		}
		if exp := tok.Expiration(); exp.Sub(tok.IssuedAt()) != time.Hour {
			t.Errorf("exp - iat = %v", exp.Sub(tok.IssuedAt()))
		}
	}
	// Raw ID token audience is a plain string.
	tk, _ := s.IssueTokens("alice", ciamemu.TokenOptions{})
	parts := strings.Split(tk.IDToken, ".")
	if raw, _ := jwsPayload(parts[1]); !strings.Contains(raw, `"aud":"acme-loyalty"`) {
		t.Errorf("aud should be a string: %s", raw)
	}
}

func jwsPayload(seg string) (string, error) {
	b, err := jwkBase64(seg)
	return string(b), err
}

func TestTokenEndpointErrors(t *testing.T) {
	_, ts := start(t, ciamemu.Options{ClientSecret: "shh"})
	cases := []struct {
		form url.Values
		code int
		err  string
	}{
		{url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"nope"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 400, "invalid_grant"},
		{url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"password"}, "client_id": {"ciamctl-demo"}, "client_secret": {"bad"}}, 401, "invalid_client"},
		{url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"password"}, "client_id": {"ciamctl-demo"}}, 401, "invalid_client"},
		{url.Values{"grant_type": {"password"}, "username": {"nobody"}, "password": {"password"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 400, "invalid_grant"},
		{url.Values{"grant_type": {"password"}, "username": {"bob@example.com"}, "password": {"password"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 200, ""},
		{url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"password"}, "alg": {"HS256"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 400, "invalid_request"},
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 200, ""},
		{url.Values{"grant_type": {"implicit"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 400, "unsupported_grant_type"},
		// The test shortcut user= is gone: the emulator offers only what discovery advertises.
		{url.Values{"user": {"bob"}, "client_id": {"ciamctl-demo"}, "client_secret": {"shh"}}, 400, "unsupported_grant_type"},
	}
	for _, c := range cases {
		code, body := postForm(t, ts.URL+"/oauth/token", c.form)
		if code != c.code || (c.err != "" && body["error"] != c.err) {
			t.Errorf("%v: got %d %v, want %d %s", c.form, code, body, c.code, c.err)
		}
	}
}

func TestRotation(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s, ts := start(t, ciamemu.Options{Now: clk.Now, RotationGrace: time.Hour, TokenTTL: 24 * time.Hour})
	old, err := s.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	oldKid := s.SigningKeyID("RS256")
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	newKid := s.SigningKeyID("RS256")
	if newKid == oldKid || newKid == "" {
		t.Fatalf("rotation kept kid %s", oldKid)
	}
	fresh, _ := s.IssueTokens("alice", ciamemu.TokenOptions{})
	set := fetchJWKS(t, ts.URL+"/.well-known/jwks.json")
	if set.Len() != 4 {
		t.Fatalf("during grace the JWKS has %d keys, want 4", set.Len())
	}
	for name, tok := range map[string]string{"old": old.IDToken, "new": fresh.IDToken} {
		if _, err := jwt.Parse([]byte(tok), jwt.WithKeySet(set), jwt.WithClock(clk.Clock())); err != nil {
			t.Errorf("%s token during grace: %v", name, err)
		}
	}
	clk.Advance(2 * time.Hour) // past the grace period
	set = fetchJWKS(t, ts.URL+"/.well-known/jwks.json")
	if set.Len() != 2 {
		t.Fatalf("after grace the JWKS has %d keys, want 2", set.Len())
	}
	if _, ok := set.LookupKeyID(oldKid); ok {
		t.Error("retired key still published")
	}
	if _, err := jwt.Parse([]byte(old.IDToken), jwt.WithKeySet(set), jwt.WithClock(clk.Clock())); err == nil {
		t.Error("a token of the retired key must no longer verify")
	}
	if _, err := jwt.Parse([]byte(fresh.IDToken), jwt.WithKeySet(set), jwt.WithClock(clk.Clock())); err != nil {
		t.Errorf("new token: %v", err)
	}
	s.Rotate()
	s.EndGrace()
	if ids := s.KeyIDs(); len(ids) != 2 {
		t.Errorf("EndGrace left %v", ids)
	}
}

func TestUserinfoAndProfileUpdate(t *testing.T) {
	s, ts := start(t, ciamemu.Options{})
	get := func(token string) (int, map[string]any, string) {
		req, _ := http.NewRequest("GET", ts.URL+"/userinfo", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m, res.Header.Get("WWW-Authenticate")
	}
	if code, _, www := get(""); code != 401 || www == "" {
		t.Errorf("no token: %d %q", code, www)
	}
	if code, body, _ := get("bogus"); code != 401 || body["error"] != "invalid_token" {
		t.Errorf("bogus token: %d %v", code, body)
	}
	code, body := postForm(t, ts.URL+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"password"}, "client_id": {"ciamctl-demo"}})
	if code != 200 {
		t.Fatalf("token: %d %v", code, body)
	}
	at := body["access_token"].(string)
	code, info, _ := get(at)
	bob, _ := s.FindUser("bob")
	if code != 200 || info["sub"] != bob.Sub || info["email"] != "bob@example.com" {
		t.Fatalf("userinfo: %d %v", code, info)
	}

	if _, err := s.UpdateUser(bob.Sub, func(u *ciamemu.User) { u.FamilyName = "Brown-Smith"; u.Sub = "ignored" }); err != nil {
		t.Fatal(err)
	}
	if _, info, _ = get(at); info["family_name"] != "Brown-Smith" || info["sub"] != bob.Sub {
		t.Errorf("userinfo after update: %v", info)
	}
	tk, _ := s.IssueTokens(bob.Sub, ciamemu.TokenOptions{})
	tok, err := jwt.ParseInsecure([]byte(tk.IDToken))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := tok.Get("family_name"); v != "Brown-Smith" {
		t.Errorf("second login carries family_name %v", v)
	}
	if _, err := s.UpdateUser("no-such-sub", func(*ciamemu.User) {}); err == nil {
		t.Error("updating an unknown user must fail")
	}
	s.RevokeAccessTokens()
	if code, _, _ := get(at); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
}

func TestInProcessNeedsIssuer(t *testing.T) {
	s := ciamemu.New(ciamemu.Options{Users: []ciamemu.User{{Username: "x", Email: "x@example.com"}}})
	if _, err := s.IssueTokens("x", ciamemu.TokenOptions{}); err == nil {
		t.Error("want an error without an issuer")
	}
	if _, err := s.IssueTokens("x", ciamemu.TokenOptions{Issuer: "https://id.example"}); err != nil {
		t.Error(err)
	}
}

func TestStartAndClose(t *testing.T) {
	s := ciamemu.New(ciamemu.Options{})
	iss, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var d discoveryDoc
	getJSON(t, iss+"/.well-known/openid-configuration", &d)
	if d.Issuer != iss {
		t.Errorf("issuer %s, want %s", d.Issuer, iss)
	}
}

func TestOmitAlg(t *testing.T) {
	_, ts := start(t, ciamemu.Options{OmitAlg: true})
	res, err := http.Get(ts.URL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if strings.Contains(string(b), `"alg"`) || !strings.Contains(string(b), `"kid"`) {
		t.Errorf("JWKS: %s", b)
	}
}

// TestDeterministicSeed: same seed, clock and issuer give the same keys, subs and RS256 tokens.
func TestDeterministicSeed(t *testing.T) {
	fixed := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	opts := ciamemu.Options{Issuer: "https://id.acme.example", ClientID: "acme-loyalty", Seed: "golden", Now: fixed}
	a, b := ciamemu.New(opts), ciamemu.New(opts)
	if strings.Join(a.KeyIDs(), ",") != strings.Join(b.KeyIDs(), ",") {
		t.Fatalf("kids differ: %v %v", a.KeyIDs(), b.KeyIDs())
	}
	if a.Users()[0].Sub != b.Users()[0].Sub || !uuidRE.MatchString(a.Users()[0].Sub) {
		t.Fatalf("subs differ or are not UUIDs: %s %s", a.Users()[0].Sub, b.Users()[0].Sub)
	}
	ta, err := a.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := b.IssueTokens("alice", ciamemu.TokenOptions{})
	if ta.IDToken != tb.IDToken || ta.AccessToken != tb.AccessToken {
		t.Fatal("seeded RS256 tokens differ")
	}

	// Golden: the claims of alice's ID token, as the CLI's goldens will see them.
	tok, _ := jwt.ParseInsecure([]byte(ta.IDToken))
	m, _ := tok.AsMap(context.Background())
	for k, v := range m {
		if tm, ok := v.(time.Time); ok {
			m[k] = tm.Unix()
		}
	}
	got, _ := json.MarshalIndent(map[string]any{"kids": a.KeyIDs(), "claims": m}, "", "  ")
	got = append(got, '\n')
	const golden = "testdata/seeded_token.golden.json"
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("seeded token differs from %s:\n%s", golden, got)
	}
}

// TestTokenMapsToProfile ties the emulator to the gateway mapping: nested and URL claims resolve.
func TestTokenMapsToProfile(t *testing.T) {
	s, ts := start(t, ciamemu.Options{})
	tk, err := s.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jwkBase64(strings.Split(tk.IDToken, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	res, err := mapping.RunJSON(payload, map[string]string{
		"firstname": "given_name", "lastname": "family_name", "email": "/contact/email", "mobile": ciamemu.MobileClaim(ts.URL),
	}, "acme-oauth")
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := s.FindUser("alice")
	if !res.OK || res.Profile.Email != "alice@example.com" || res.Profile.Mobile != "447700900001" || res.Profile.CUID() != alice.Sub {
		t.Errorf("mapped: %+v", res)
	}
}
