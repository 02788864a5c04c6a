package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/brand"
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
	expectCode(t, p.run("brand", "set", "acme", "cluster=eu"), 0)
	linked := p.brandFile("acme")
	if !strings.Contains(linked, "channel:\n  source: OAUTH_EXTERNAL\n  accountId: ciamctl-acme\n") || !strings.Contains(linked, "orgId: 50123\ncluster: eu\n") {
		t.Fatalf("channel link recorded:\n%s", linked)
	}

	// The same values, without --org-id or --cluster even: nothing to do.
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

// commentedAcme is a brand file as people keep them: comments, a linked channel.
const commentedAcme = `# Acme's gateway configuration; reviewed by the platform team.
apiVersion: ciamctl/v1
kind: BrandConfig
brand: acme                 # the file name matches
orgId: 50123
ciam:
  applicationId: 6a1f0c2e   # from the CIAM's app registration
  clientId: acme-loyalty
  issuer: https://id.acme.example/
  userinfoEndpoint: https://id.acme.example/userinfo
  jwksUri: https://id.acme.example/.well-known/jwks.json

# platform field <- claim
mappings:
  firstname: given_name
  # the CIAM's custom claim
  mobile: https://acme.example/claims/mobile
  email: /contact/email
channel:
  source: OAUTH_EXTERNAL
  accountId: acme-ciam
`

func writeAcme(t *testing.T, content string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// brand set changes the named fields in place: comments, order, blank
// lines and the channel stay, byte for byte.
func TestBrandSet(t *testing.T) {
	dir, path := writeAcme(t, commentedAcme)
	run := func(args ...string) clitest.Result {
		t.Helper()
		return clitest.Run(t, clitest.Opts{}, append(append([]string{"brand", "set"}, args...), "--dir", dir)...)
	}
	res := run("acme", "ciam.clientId=acme-web", "displayName=Acme Loyalty", "mappings.mobile-", "ciam.algorithms=RS256,ES256", "cluster=eu")
	expectCode(t, res, 0)
	clitest.Golden(t, "brand/set.txt", clitest.Normalize(res.Stdout, dir, "$WS"))
	want := strings.NewReplacer(
		"brand: acme                 # the file name matches\n", "brand: acme                 # the file name matches\ndisplayName: Acme Loyalty\n",
		"orgId: 50123\n", "orgId: 50123\ncluster: eu\n",
		"clientId: acme-loyalty\n", "clientId: acme-web\n",
		"jwksUri: https://id.acme.example/.well-known/jwks.json\n", "jwksUri: https://id.acme.example/.well-known/jwks.json\n  algorithms: [RS256, ES256]\n",
		"  # the CIAM's custom claim\n  mobile: https://acme.example/claims/mobile\n", "",
	).Replace(commentedAcme)
	if got := readFile(t, path); got != want {
		t.Fatalf("file:\n%s\nwant:\n%s", got, want)
	}

	again := run("acme", "ciam.clientId=acme-web", "mappings.mobile-")
	expectCode(t, again, 0)
	if !strings.Contains(again.Stdout, "already has these values; nothing changed") || readFile(t, path) != want {
		t.Errorf("no-op: %q", again.Stdout)
	}

	// Refused: nothing is written, the error names the field.
	for args, msg := range map[string]string{
		"ciam.jwksUri=http://id.acme.example/jwks": `ciam.jwksUri: "http://id.acme.example/jwks" must use https`,
		"ciam.clientId-":              "ciam.clientId: is required",
		"clientId=x":                  "did you mean ciam.clientId?",
		"displayName=":                "to remove the key, write displayName-",
		"ciam.algorithms=RS256,HS256": `ciam.algorithms[1]: "HS256" is a symmetric algorithm`,
		"brand=acme2":                 "to rename a brand",
		"orgId=50123 orgId-":          `both change orgId`,
	} {
		res := run(append([]string{"acme"}, strings.Fields(args)...)...)
		if res.Code != 2 || !strings.Contains(res.Stderr, msg) {
			t.Errorf("%s: exit %d %q, want 2 and %q", args, res.Code, res.Stderr, msg)
		}
	}
	if readFile(t, path) != want {
		t.Error("a refused set changed the file")
	}
	missing := run("nope", "displayName=x")
	if missing.Code != 2 || !strings.Contains(missing.Stderr, "brand list") {
		t.Errorf("unknown brand: exit %d %q", missing.Code, missing.Stderr)
	}
	noArgs := run("acme")
	if noArgs.Code != 2 || !strings.Contains(noArgs.Stderr, "missing KEY=VALUE") {
		t.Errorf("no change: exit %d %q", noArgs.Code, noArgs.Stderr)
	}

	dry := run("acme", "ciam.issuer-", "--dry-run")
	expectCode(t, dry, 0)
	clitest.Golden(t, "brand/set-dry-run.txt", clitest.Normalize(dry.Stdout, dir, "$WS"))
	if readFile(t, path) != want {
		t.Error("--dry-run changed the file")
	}
	js := run("acme", "channel.accountName=Acme CIAM", "-o", "json")
	expectCode(t, js, 0)
	if !strings.Contains(js.Stdout, `"result": "updated"`) || !strings.Contains(js.Stdout, `"field": "channel.accountName"`) {
		t.Errorf("-o json: %s", js.Stdout)
	}
}

// editorScript writes an editor that, on its Nth run, saves a copy of what
// it was given as seen-N.yaml, then runs step N (shell, $1 is the file).
func editorScript(t *testing.T, steps ...string) (editor, state string) {
	t.Helper()
	state = t.TempDir()
	script := "#!/bin/sh\nset -e\nn=$(cat '" + state + "/n' 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > '" + state + "/n'\ncp \"$1\" '" + state + "/seen-'$n.yaml\n"
	for i, s := range steps {
		script += fmt.Sprintf("if [ $n = %d ]; then\n%s\nfi\n", i+1, s)
	}
	editor = filepath.Join(state, "editor.sh")
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return editor, state
}

func runEdit(t *testing.T, dir, editor string, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, clitest.Opts{TTY: true, Env: map[string]string{"EDITOR": editor}},
		append(append([]string{"brand", "edit", "acme"}, args...), "--dir", dir)...)
}

// brand edit: an edit with an error is re-opened with the problem on top
// (its line number as the editor shows it); the fixed edit is written with
// the user's comments and the header removed, and the changes listed.
func TestBrandEditReopensOnErrors(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	t.Setenv("TMPDIR", t.TempDir())
	dir, path := writeAcme(t, commentedAcme)
	editor, state := editorScript(t,
		`sed -i -e 's|jwksUri: https://id.acme.example/.well-known/jwks.json|jwksUri: http://id.acme.example/jwks|' -e 's|clientId: acme-loyalty|clientId: acme-web|' "$1"`,
		`sed -i 's|jwksUri: http://id.acme.example/jwks|jwksUri: https://id.acme.example/jwks   # moved|' "$1"`)
	res := runEdit(t, dir, editor)
	expectCode(t, res, 0)
	clitest.Golden(t, "brand/edit.txt", clitest.Normalize(res.Stdout, dir, "$WS"))
	first := readFile(t, filepath.Join(state, "seen-1.yaml"))
	if !strings.HasPrefix(first, "# ciamctl: Editing brand acme") || !strings.HasSuffix(first, commentedAcme) {
		t.Errorf("the editor was given:\n%s", first)
	}
	reopened := readFile(t, filepath.Join(state, "seen-2.yaml"))
	clitest.Golden(t, "brand/edit-reopened.yaml", clitest.Normalize(reopened, dir, "$WS"))
	// The problem's line number is the line of jwksUri in the editor.
	lines := strings.Split(reopened, "\n")
	if len(lines) < 15 || !strings.Contains(lines[14], "jwksUri: http://") || !strings.Contains(reopened, "line 15, column 12:") {
		t.Errorf("problem line numbers do not match the editor's lines:\n%s", reopened)
	}
	want := strings.NewReplacer("jwksUri: https://id.acme.example/.well-known/jwks.json", "jwksUri: https://id.acme.example/jwks   # moved",
		"clientId: acme-loyalty", "clientId: acme-web").Replace(commentedAcme)
	if got := readFile(t, path); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "ciamctl-edit-acme-*")); len(left) != 0 {
		t.Errorf("temporary copies left: %v", left)
	}
}

func TestBrandEditCancelsAndRefuses(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	t.Setenv("TMPDIR", t.TempDir())
	dir, path := writeAcme(t, commentedAcme)

	unchanged, _ := editorScript(t, `true`)
	res := runEdit(t, dir, unchanged)
	if res.Code != 0 || !strings.Contains(res.Stderr, "Edit cancelled: no changes") {
		t.Errorf("unchanged: exit %d %q", res.Code, res.Stderr)
	}
	emptied, _ := editorScript(t, `: > "$1"`)
	res = runEdit(t, dir, emptied)
	if res.Code != 0 || !strings.Contains(res.Stderr, "Edit cancelled: the file was emptied") {
		t.Errorf("emptied: exit %d %q", res.Code, res.Stderr)
	}
	// An error saved twice: give up, keep the copy, exit 1.
	stubborn, _ := editorScript(t, `sed -i 's|clientId: acme-loyalty|clientID: acme-loyalty|' "$1"`, `true`)
	res = runEdit(t, dir, stubborn)
	if res.Code != 1 || !strings.Contains(res.Stderr, "the edit still has 2 errors") || !strings.Contains(res.Stderr, "your edit is kept in "+os.Getenv("TMPDIR")) {
		t.Errorf("errors kept: exit %d %q", res.Code, res.Stderr)
	}
	// The file changed while it was open (channel link, say): nothing written.
	racing, _ := editorScript(t, `sed -i 's|clientId: acme-loyalty|clientId: acme-web|' "$1"; echo '  accountName: Acme' >> '`+path+`'`)
	res = runEdit(t, dir, racing)
	if res.Code != 2 || !strings.Contains(res.Stderr, "changed while it was being edited") {
		t.Errorf("concurrent change: exit %d %q", res.Code, res.Stderr)
	}
	if got := readFile(t, path); got != commentedAcme+"  accountName: Acme\n" {
		t.Errorf("file:\n%s", got)
	}
	failing, _ := editorScript(t, `exit 3`)
	res = runEdit(t, dir, failing)
	if res.Code != 1 || !strings.Contains(res.Stderr, "failed (exit status 3)") {
		t.Errorf("failing editor: exit %d %q", res.Code, res.Stderr)
	}
	noTTY := clitest.Run(t, clitest.Opts{Env: map[string]string{"EDITOR": unchanged}}, "brand", "edit", "acme", "--dir", dir)
	if noTTY.Code != 2 || !strings.Contains(noTTY.Stderr, "needs a terminal") || !strings.Contains(noTTY.Stderr, "brand set acme") {
		t.Errorf("without a terminal: exit %d %q", noTTY.Code, noTTY.Stderr)
	}
}

// brand set completes the brand, then the keys; brand edit the brand.
func TestBrandSetAndEditCompletion(t *testing.T) {
	dir := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "valid")
	for _, args := range [][]string{{"brand", "set", ""}, {"brand", "edit", ""}} {
		res := clitest.Run(t, clitest.Opts{}, append([]string{"__complete", "--dir", dir}, args...)...)
		if res.Code != 0 || !strings.Contains(res.Stdout, "acme\n") {
			t.Errorf("%v: exit %d %q", args, res.Code, res.Stdout)
		}
	}
	res := clitest.Run(t, clitest.Opts{}, "__complete", "--dir", dir, "brand", "set", "acme", "ciam.")
	if res.Code != 0 || !strings.Contains(res.Stdout, "ciam.clientId=\n") || !strings.Contains(res.Stdout, "mappings.email=\n") ||
		strings.Contains(res.Stdout, "brand=") || !strings.Contains(res.Stdout, ":6\n") { // 6: no space, no file completion
		t.Errorf("keys: exit %d %q", res.Code, res.Stdout)
	}
}

// The editor waits for a person: --timeout (network time) does not end it.
func TestBrandEditIsNotBoundByTimeout(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	t.Setenv("TMPDIR", t.TempDir())
	dir, path := writeAcme(t, commentedAcme)
	slow, _ := editorScript(t, `sleep 0.3; sed -i 's|clientId: acme-loyalty|clientId: acme-web|' "$1"`)
	res := runEdit(t, dir, slow, "--timeout", "50ms")
	expectCode(t, res, 0)
	if !strings.Contains(readFile(t, path), "clientId: acme-web\n") {
		t.Errorf("file:\n%s", readFile(t, path))
	}
}

// brand set's help lists every key it takes.
func TestBrandSetHelpListsTheKeys(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{}, "brand", "set", "--help")
	help := strings.Join(strings.Fields(res.Stdout), " ")
	for _, k := range brand.SettableKeys() {
		if !strings.Contains(help, " "+k+",") && !strings.Contains(help, " "+k+" ") {
			t.Errorf("help does not list %s", k)
		}
	}
}
