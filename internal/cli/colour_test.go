package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// Every listing lays out the same with colour on as off (issue 16 item 2:
// escape bytes were counted as width, so a coloured cell pushed the columns
// after it): with the escapes stripped, the coloured output is the plain
// one. Brand values include wide characters.
func TestListingsAlignUnderColour(t *testing.T) {
	p := newPlatform(t)
	p.link()
	// Free text in a brand file: two-cell characters in the provider column.
	p.writeBrand("zeta", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme ", "brand: zeta ", 1), "provider: ciamemu", "provider: 認証サービス", 1))
	if err := os.WriteFile(filepath.Join(p.dir, "broken.yaml"), []byte("brand: broken\nnope: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tk := p.tokens("alice")
	claims := filepath.Join(clitest.RepoRoot(t), "testdata", "claims", "nested.json")
	jwksFile := filepath.Join(clitest.RepoRoot(t), "testdata", "jwks", "rfc7520-rsa.json")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"brand list", []string{"brand", "list"}},
		{"channel list", []string{"channel", "list"}},
		{"jwks inspect", []string{"jwks", "inspect", jwksFile}},
		{"token userinfo", []string{"token", "userinfo", "--brand", "acme", tk.AccessToken, "--id-token", tk.IDToken}},
		{"mapping dry-run", []string{"mapping", "dry-run", "--brand", "acme", "--claims", claims}},
		{"token decode", []string{"token", "decode", tk.IDToken}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append(c.args, "--dir", p.dir)
			plain := clitest.Run(t, clitest.Opts{Env: p.env}, args...)
			colored := clitest.Run(t, clitest.Opts{Env: p.env, Color: true}, args...)
			if plain.Code != colored.Code {
				t.Fatalf("exit %d without colour, %d with", plain.Code, colored.Code)
			}
			if !strings.Contains(colored.Stdout, "\x1b[") {
				t.Fatalf("no colour:\n%s", colored.Stdout)
			}
			if got := ansi.Strip(colored.Stdout); got != plain.Stdout {
				t.Errorf("colour moved the columns:\n%s\nwithout colour:\n%s", got, plain.Stdout)
			}
		})
	}
	res := clitest.Run(t, clitest.Opts{Env: p.env, Color: true}, "brand", "list", "--dir", p.dir)
	clitest.Golden(t, "brand/list-color.txt", res.Stdout)
}
