package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// `brand add` after `channel link`: the same values again change nothing,
// whatever the link recorded; other values are refused naming each field
// that differs; --force changes those fields only, keeping the channel, the
// comments and every field it was not given, and says what it changed.
func TestBrandAddAfterChannelLink(t *testing.T) {
	p := newPlatform(t)
	path := filepath.Join(p.dir, "acme.yaml")
	os.Remove(path)
	add := func(extra ...string) clitest.Result {
		t.Helper()
		args := append([]string{"brand", "add", "--no-input"}, withFlags(acmeFlags, extra...)...)
		return p.run(args...)
	}
	expectCode(t, add("--org-id", "50123"), 0)
	// The user annotates the file; channel link records the account.
	data, _ := os.ReadFile(path)
	annotated := strings.Replace(string(data), "ciam:\n", "# reviewed with the CIAM team, 2026-11\nciam:\n", 1)
	annotated = strings.Replace(annotated, "  clientId: acme-loyalty\n", "  clientId: acme-loyalty   # the web client\n", 1)
	if err := os.WriteFile(path, []byte(annotated), 0o644); err != nil {
		t.Fatal(err)
	}
	expectCode(t, p.run("channel", "link", "--brand", "acme"), 0)
	linked := p.brandFile("acme")
	if !strings.Contains(linked, "channel:\n  source: OAUTH_EXTERNAL\n  accountId: ciamctl-acme\n") {
		t.Fatalf("channel link recorded:\n%s", linked)
	}

	// The same values, without --org-id even: nothing to do.
	same := add()
	expectCode(t, same, 0)
	if !strings.Contains(same.Stdout, "nothing changed") || p.brandFile("acme") != linked {
		t.Errorf("same values again: %q\n%s", same.Stdout, p.brandFile("acme"))
	}

	conflict := add("--client-id", "acme-web", "--map", "email=email", "--display-name", "Acme")
	expectCode(t, conflict, 2)
	clitest.Golden(t, "brand/add-conflict.txt", p.normalize(conflict.Stderr))
	if p.brandFile("acme") != linked {
		t.Error("a refused add changed the file")
	}

	forced := add("--client-id", "acme-web", "--map", "email=email", "--force")
	expectCode(t, forced, 0)
	clitest.Golden(t, "brand/add-force.txt", p.normalize(forced.Stdout))
	want := strings.Replace(linked, "clientId: acme-loyalty   # the web client", "clientId: acme-web   # the web client", 1)
	want = strings.Replace(want, "email: /contact/email", "email: email", 1)
	if got := p.brandFile("acme"); got != want {
		t.Errorf("--force did not change just the two fields:\n--- got\n%s\n--- want\n%s", got, want)
	}

	js := add("--client-id", "acme-loyalty", "--force", "-o", "json")
	expectCode(t, js, 0)
	var out struct {
		Result  string
		Changes []map[string]string
	}
	if err := json.Unmarshal([]byte(js.Stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Result != "updated" || len(out.Changes) != 2 || out.Changes[0]["field"] != "ciam.clientId" || out.Changes[0]["to"] != "acme-loyalty" {
		t.Errorf("-o json: %s", js.Stdout)
	}
}

// withFlags replaces flags in base by those in extra (a --map by the
// same field), and appends the others.
func withFlags(base []string, extra ...string) []string {
	out := append([]string{}, base...)
	for i := 0; i < len(extra); i++ {
		name := extra[i]
		if i+1 >= len(extra) || strings.HasPrefix(extra[i+1], "--") {
			out = append(out, name)
			continue
		}
		value := extra[i+1]
		i++
		replaced := false
		for j := 0; j+1 < len(out); j++ {
			same := out[j] == name
			if name == "--map" {
				same = same && strings.SplitN(out[j+1], "=", 2)[0] == strings.SplitN(value, "=", 2)[0]
			}
			if same {
				out[j+1], replaced = value, true
				break
			}
		}
		if !replaced {
			out = append(out, name, value)
		}
	}
	return out
}

// A file add cannot edit (not YAML) is replaced only with --force, and says so.
func TestBrandAddOverAnUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(path, []byte("brand: [acme\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	refused := addAcme(t, dir)
	if refused.Code != 2 || !strings.Contains(refused.Stderr, "cannot be edited") || !strings.Contains(refused.Stderr, "--force") {
		t.Fatalf("exit %d %q", refused.Code, refused.Stderr)
	}
	forced := addAcme(t, dir, "--force")
	if forced.Code != 0 || !strings.Contains(forced.Stdout, "Replaced brand acme") {
		t.Fatalf("exit %d %q %q", forced.Code, forced.Stdout, forced.Stderr)
	}
	if v := clitest.Run(t, clitest.Opts{}, "config", "validate", "--dir", dir); v.Code != 0 {
		t.Errorf("replaced file is invalid: %s", v.Stdout)
	}
}
