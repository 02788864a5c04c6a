package cli_test

import (
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// withIntouch points the platform at a fresh Intouch emulator with these options (registration rules, rate
// limits) instead of the default one.
func (p *platform) withIntouch(opts intouchemu.Options) {
	p.t.Helper()
	emu := intouchemu.New(opts)
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { emu.Close() })
	p.emu = emu
	emu.SetEnv(p.env, base, false)
}

func TestFlowLoginMandatoryFieldIsExit1NamingTheField(t *testing.T) {
	p := newPlatform(t)
	p.withIntouch(intouchemu.Options{MandatoryFields: []string{"dateofbirth"}})
	p.link()
	res := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply")
	expectCode(t, res, 1)
	if !strings.Contains(res.Stderr, `field "dateofbirth" mandatory`) || !strings.Contains(res.Stderr, "Registration Configuration") {
		t.Errorf("stderr does not name the field and the setting:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stderr, "CLIENT_KEY") || strings.Contains(res.Stderr, "may not access") {
		t.Errorf("a registration rule is not a credentials problem:\n%s", res.Stderr)
	}
}

func TestFlowLoginCreatesWhenTheLookupAnswers8065(t *testing.T) {
	p := newPlatform(t)
	p.link()
	p.emu.InjectFaults("GET /v2/customers/lookup", intouchemu.Fault{Status: 404, Code: 8065, Message: "No customer found in the given source with the given identifier"})
	res := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply")
	expectCode(t, res, 0)
	if _, ok := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "cuid", p.sub("alice")); !ok {
		t.Fatalf("customer not created:\n%s\n%s", res.Stdout, res.Stderr)
	}
}

func TestChannelLinkWhereTheAPICannotCreateOAuthExternalPrintsTheUIPath(t *testing.T) {
	p := newPlatform(t)
	p.withIntouch(intouchemu.Options{APIDeniedSourceTypes: []string{"OAUTH_EXTERNAL"}})
	res := p.run("channel", "link", "--brand", "acme")
	expectCode(t, res, 1)
	if !strings.Contains(res.Stderr, "Omni Channel Settings › Channel Configurations › OAUTH_EXTERNAL › Add Account") ||
		!strings.Contains(res.Stderr, "cannot create OAUTH_EXTERNAL channel accounts through the API") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
}
