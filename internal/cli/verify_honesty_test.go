package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// token verify without an expected issuer and audience is a usage error
// unless --skip-issuer-check/--skip-audience-check say so; then the checks
// not made show "-" (never ✓) and "skipped": true in JSON, whose contract
// fields stay as they were (issue 16 item 8).
func TestTokenVerifyNeedsIssuerAndAudience(t *testing.T) {
	jwksPath := tkJWKSFile(t)
	tok := tkSign(t, "main", nil)
	base := []string{"token", "verify", "--jwks", jwksPath}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{tok}, "no expected issuer: pass --issuer, or --skip-issuer-check"},
		{[]string{"--issuer", tkIssuer, tok}, "no expected audience: pass --audience, or --skip-audience-check"},
		{[]string{"--skip-issuer-check", tok}, "no expected audience"},
		{[]string{"--issuer", tkIssuer, "--skip-issuer-check", "--audience", tkAudience, tok}, "--issuer and --skip-issuer-check: pass one or the other"},
		{[]string{"--skip-issuer-check", "--audience", tkAudience, "--skip-audience-check", tok}, "--audience and --skip-audience-check"},
		{[]string{"--batch", "-"}, "no expected issuer"},
	} {
		res := clitest.Run(t, clitest.Opts{Env: tkEnv(t), Stdin: strings.NewReader(tok + "\n")}, append(base, c.args...)...)
		if res.Code != 2 || !strings.Contains(res.Stderr, c.want) || res.Stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", c.args, res.Code, res.Stdout, res.Stderr)
		}
	}
	clitest.Golden(t, "token/verify-no-issuer.txt", clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, tok)...).Stderr)

	skip := append(base, "--skip-issuer-check", "--skip-audience-check", tok)
	text := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, skip...)
	if text.Code != 0 {
		t.Fatalf("skipping both: exit %d: %s", text.Code, text.Stderr)
	}
	clitest.Golden(t, "token/verify-skipped.txt", text.Stdout)
	for _, line := range strings.Split(text.Stdout, "\n") {
		if f := strings.Fields(line); len(f) > 1 && (f[1] == "issuer" || f[1] == "audience") && f[0] != "-" {
			t.Errorf("a check not made is shown as %q: %s", f[0], line)
		}
	}
	js := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(skip, "-o", "json")...)
	clitest.Golden(t, "token/verify-skipped.json", js.Stdout)
	var rep struct {
		Valid  bool `json:"valid"`
		Checks []struct {
			Name    string `json:"name"`
			OK      *bool  `json:"ok"`
			Skipped bool   `json:"skipped"`
			Detail  *string
		} `json:"checks"`
		Error *string `json:"error"`
	}
	if err := json.Unmarshal([]byte(js.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, c := range rep.Checks {
		if c.OK == nil || c.Detail == nil {
			t.Errorf("check %s lacks ok or detail", c.Name)
		}
		skipped[c.Name] = c.Skipped
	}
	if !rep.Valid || rep.Error != nil || !skipped["issuer"] || !skipped["audience"] || skipped["signature"] || skipped["expiry"] {
		t.Errorf("json: %s", js.Stdout)
	}

	// With only the issuer skipped, the audience is checked: another
	// client's token is refused.
	other := tkSign(t, "main", map[string]any{"aud": "someone-else"})
	if res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, "--skip-issuer-check", "--audience", tkAudience, other)...); res.Code != 1 {
		t.Errorf("other audience: exit %d", res.Code)
	}
	// Checks an earlier failure left undone show "-" too, not ✗ or ✓.
	alg := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(base, "--issuer", tkIssuer, "--audience", tkAudience, "--alg", "RS256", tok)...)
	if alg.Code != 1 || !strings.Contains(alg.Stdout, "- kid") || !strings.Contains(alg.Stdout, "- signature") {
		t.Errorf("rejected algorithm: exit %d\n%s", alg.Code, alg.Stdout)
	}
}

// A brand without ciam.issuer: token verify --brand is a usage error naming
// the brand, and mapping dry-run says the issuer was not checked instead of
// listing it as checked.
func TestBrandWithoutIssuer(t *testing.T) {
	p := newPlatform(t)
	p.writeBrand("noiss", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme ", "brand: noiss ", 1), "  issuer: $ISSUER\n", "", 1))
	tok := p.token("alice")
	res := p.run("token", "verify", "--brand", "noiss", tok)
	if res.Code != 2 || !strings.Contains(res.Stderr, `pass --issuer (or ciam.issuer in brand "noiss"), or --skip-issuer-check`) {
		t.Errorf("verify --brand noiss: exit %d, stderr %q", res.Code, res.Stderr)
	}
	if res := p.run("token", "verify", "--brand", "noiss", "--skip-issuer-check", tok); res.Code != 0 || !strings.Contains(res.Stdout, "(issuer not checked)") {
		t.Errorf("--skip-issuer-check: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	dry := p.run("mapping", "dry-run", "--brand", "noiss", tok)
	if dry.Code != 0 || !strings.Contains(dry.Stdout, "issuer not checked: the brand sets no ciam.issuer") || strings.Contains(dry.Stdout, ", issuer,") {
		t.Errorf("mapping dry-run: exit %d\n%s%s", dry.Code, dry.Stdout, dry.Stderr)
	}
	_ = os.Remove(filepath.Join(p.dir, "noiss.yaml"))
}
