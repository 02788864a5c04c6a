package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
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
	plain := p.run("token", "userinfo", "--brand", "plain", alice.AccessToken)
	expectCode(t, plain, 1)
	oneLineError(t, plain, "plain http")
}
