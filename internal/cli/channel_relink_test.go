package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// --account-id is honoured even when another account's name equals --account-name in another case: that
// account used to be picked, and the ID silently ignored.
func TestChannelLinkHonoursAnExplicitAccountID(t *testing.T) {
	p := newPlatform(t)
	p.emu.AddSource(intouchemu.Source{Name: "Acme CIAM", SourceAccountIdentifier: "acme-oauth", SourceTypeName: "OAUTH_EXTERNAL", IsActive: true})
	res := p.run("channel", "link", "--brand", "acme", "--account-id", "acme-new", "--account-name", "acme ciam", "-o", "json")
	expectCode(t, res, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got["accountId"] != "acme-new" || got["created"] != true {
		t.Errorf("linked %v", got)
	}
	if !strings.Contains(p.brandFile("acme"), "accountId: acme-new\n") {
		t.Errorf("recorded:\n%s", p.brandFile("acme"))
	}
}

// A linked brand is re-linked to another account only when asked (a terminal) or --force says so, and the
// user is told what becomes of the customers under the old account.
func TestChannelLinkRelink(t *testing.T) {
	p := newPlatform(t)
	p.link() // ciamctl-acme
	p.emu.AddSource(intouchemu.Source{Name: "Acme Other", SourceAccountIdentifier: "acme-other", SourceTypeName: "OAUTH_EXTERNAL", IsActive: true})
	linked := p.brandFile("acme")
	consequence := "customers created under account ciamctl-acme stay under it: the gateway's lookups by cuid under acme-other will not find them"

	for _, args := range [][]string{{"--account-id", "acme-other"}, {"--account-name", "ACME OTHER"}} {
		noTTY := p.run(append([]string{"channel", "link", "--brand", "acme"}, args...)...)
		expectCode(t, noTTY, 2)
		if !strings.Contains(noTTY.Stderr, `brand "acme" is linked to OAUTH_EXTERNAL account ciamctl-acme; linking it to acme-other needs --force`) ||
			!strings.Contains(noTTY.Stderr, consequence) {
			t.Errorf("%v without a terminal:\n%s", args, noTTY.Stderr)
		}
	}
	dry := p.run("channel", "link", "--brand", "acme", "--account-id", "acme-other", "--dry-run")
	expectCode(t, dry, 0)
	if !strings.Contains(dry.Stdout, "Would re-link brand acme from account ciamctl-acme to acme-other") || !strings.Contains(dry.Stdout, consequence) {
		t.Errorf("dry run:\n%s", dry.Stdout)
	}
	ttyEnv := map[string]string{"ACCESSIBLE": "1"}
	for k, v := range p.env {
		ttyEnv[k] = v
	}
	keep := clitest.Run(t, clitest.Opts{TTY: true, Stdin: clitest.NewLineReader("n"), Env: ttyEnv}, "channel", "link", "--brand", "acme", "--account-id", "acme-other", "--dir", p.dir)
	expectCode(t, keep, 2)
	if !strings.Contains(keep.Stderr, "Link it to acme-other instead?") {
		t.Errorf("no question asked:\n%s", keep.Stderr)
	}
	if p.brandFile("acme") != linked || p.emu.Count(intouchemu.RouteCreateSource) != 1 {
		t.Fatal("a refused re-link changed the file or created an account")
	}

	yes := clitest.Run(t, clitest.Opts{TTY: true, Stdin: clitest.NewLineReader("y"), Env: ttyEnv}, "channel", "link", "--brand", "acme", "--account-id", "acme-other", "--dir", p.dir)
	expectCode(t, yes, 0)
	if !strings.Contains(yes.Stdout, "Re-linked brand acme from account ciamctl-acme to acme-other") || !strings.Contains(yes.Stdout, consequence) ||
		!strings.Contains(p.brandFile("acme"), "accountId: acme-other\n") {
		t.Errorf("confirmed re-link:\n%s\n%s", yes.Stdout, p.brandFile("acme"))
	}

	back := p.run("channel", "link", "--brand", "acme", "--account-id", "ciamctl-acme", "--force", "-o", "json")
	expectCode(t, back, 0)
	var got struct {
		AccountID string `json:"accountId"`
		Relinked  struct{ From, To, Consequence string }
	}
	if err := json.Unmarshal([]byte(back.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.AccountID != "ciamctl-acme" || got.Relinked.From != "acme-other" || got.Relinked.To != "ciamctl-acme" || got.Relinked.Consequence == "" {
		t.Errorf("--force: %s", back.Stdout)
	}
}
