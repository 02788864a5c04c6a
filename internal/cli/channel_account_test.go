package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// Issue 12, item 15: channel link records only an account the brand file
// can hold; a bad platform answer leaves the file as it was.
func TestChannelLinkRefusesAnInvalidAccountFromThePlatform(t *testing.T) {
	cases := []struct {
		name, id, accountName, field string
	}{
		{"empty id", "", "Acme CIAM", "accountId"},
		{"over-long id", strings.Repeat("a", 600), "Acme CIAM", "accountId"},
		{"control characters in the id", "acme\x1b[2J\x1b[H", "Acme CIAM", "accountId"},
		{"spaces around the id", " acme-ciam ", "Acme CIAM", "accountId"},
		{"control characters in the name", "acme-ciam", "Acme\x1b]0;pwned\x07 CIAM", "accountName"},
		{"over-long name", "acme-ciam", strings.Repeat("n", 513), "accountName"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPlatform(t)
			before := p.brandFile("acme")
			p.emu.AddSource(intouchemu.Source{Name: c.accountName, SourceAccountIdentifier: c.id, SourceTypeName: "OAUTH_EXTERNAL", IsActive: true})
			for _, args := range [][]string{
				{"channel", "link", "--brand", "acme"},
				{"channel", "link", "--brand", "acme", "--dry-run"},
			} {
				res := p.run(args...)
				expectCode(t, res, 3)
				want := "with an " + c.field + " the brand file cannot hold: " + c.field + " "
				if !strings.Contains(res.Stderr, want) || !strings.Contains(res.Stderr, "was not changed") {
					t.Errorf("%v: stderr does not say which value was refused and that the file is unchanged:\n%s", args, res.Stderr)
				}
				if strings.ContainsAny(res.Stderr+res.Stdout, "\x1b\x07") {
					t.Errorf("%v: a control character from the platform reached the terminal: %q", args, res.Stderr)
				}
				if got := p.brandFile("acme"); got != before {
					t.Errorf("%v: the brand file changed:\n%s", args, got)
				}
			}
			// The file stays valid and unlinked.
			res := p.run("config", "validate", "-o", "json")
			var rep struct{ Valid bool }
			if json.Unmarshal([]byte(res.Stdout), &rep); !rep.Valid {
				t.Errorf("the brand is no longer valid: %s", res.Stdout)
			}
		})
	}
}
