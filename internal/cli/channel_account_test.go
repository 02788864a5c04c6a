package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

// A create whose answer carries an account ID the file cannot hold: the
// account exists on the platform now, and the error says so.
func TestChannelLinkRefusesAnInvalidCreatedAccount(t *testing.T) {
	p := newPlatform(t)
	before := p.brandFile("acme")
	emu := p.emu.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/sources") {
			emu.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Errorf("emulator answer: %v", err)
		}
		answer["sourceAccountIdentifier"] = "ciamctl-acme\x1b[31m"
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		json.NewEncoder(w).Encode(answer)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{}
	for k, v := range p.env {
		env[k] = v
	}
	env["CIAMCTL_INTOUCH_URL"] = srv.URL
	res := p.runEnv(env, "channel", "link", "--brand", "acme")
	expectCode(t, res, 3)
	if !strings.Contains(res.Stderr, "error: the platform created channel account ") || !strings.Contains(res.Stderr, " in org 50123 with an accountId") ||
		!strings.Contains(res.Stderr, "with an accountId the brand file cannot hold: accountId contains control characters") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stderr, "\x1b") || strings.Contains(res.Stderr, "run the command again") {
		t.Errorf("stderr has a raw control character or a wrong hint: %q", res.Stderr)
	}
	if p.brandFile("acme") != before {
		t.Error("the brand file changed")
	}
}
