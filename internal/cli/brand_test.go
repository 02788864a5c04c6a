package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

var acmeFlags = []string{
	"--name", "acme", "--display-name", "Acme Loyalty", "--provider", "nextreason",
	"--application-id", "6a1f0c2e", "--client-id", "acme-loyalty",
	"--issuer", "https://id.acme.example/",
	"--jwks-uri", "https://id.acme.example/.well-known/jwks.json",
	"--userinfo-endpoint", "https://id.acme.example/userinfo",
	"--map", "firstname=given_name", "--map", "lastname=family_name",
	"--map", "mobile=phone_number", "--map", "email=/contact/email",
}

func addAcme(t *testing.T, dir string, extra ...string) clitest.Result {
	t.Helper()
	args := append([]string{"brand", "add", "--no-input", "--dir", dir}, acmeFlags...)
	return clitest.Run(t, clitest.Opts{}, append(args, extra...)...)
}

func TestBrandAddWritesAValidFile(t *testing.T) {
	dir := t.TempDir()
	res := addAcme(t, dir)
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	clitest.Golden(t, "brand/add.txt", clitest.Normalize(res.Stdout, dir, "$WS"))
	data, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	clitest.Golden(t, "brand/acme.yaml", string(data))

	v := clitest.Run(t, clitest.Opts{}, "config", "validate", "--dir", dir)
	if v.Code != 0 {
		t.Fatalf("validate: exit %d: %s", v.Code, v.Stdout)
	}

	again := addAcme(t, dir)
	if again.Code != 0 || !strings.Contains(again.Stdout, "nothing changed") {
		t.Errorf("same values again: exit %d %q", again.Code, again.Stdout)
	}
	other := addAcme(t, dir, "--client-id", "other")
	if other.Code != 2 || !strings.Contains(other.Stderr, "--force") {
		t.Errorf("different values: exit %d %q", other.Code, other.Stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "acme.yaml")); string(after) != string(data) {
		t.Error("a refused add changed the file")
	}
	forced := addAcme(t, dir, "--client-id", "other", "--force")
	if forced.Code != 0 || !strings.Contains(forced.Stdout, "Updated") {
		t.Errorf("--force: exit %d %q", forced.Code, forced.Stdout)
	}
}

func TestBrandAddMissingFlagsWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	// No --no-input: a missing terminal alone must stop the prompt.
	res := clitest.Run(t, clitest.Opts{}, "brand", "add", "--dir", dir, "--name", "acme", "--client-id", "c")
	if res.Code != 2 {
		t.Fatalf("exit %d, want 2", res.Code)
	}
	for _, flag := range []string{"--application-id", "--jwks-uri", "--userinfo-endpoint"} {
		if !strings.Contains(res.Stderr, flag) {
			t.Errorf("stderr does not name %s: %q", flag, res.Stderr)
		}
	}
	clitest.Golden(t, "brand/add-missing.txt", res.Stderr)
	// Even a terminal does not prompt with --no-input.
	tty := clitest.Run(t, clitest.Opts{TTY: true}, "brand", "add", "--no-input", "--dir", dir, "--name", "acme")
	if tty.Code != 2 || !strings.Contains(tty.Stderr, "--client-id") {
		t.Errorf("--no-input on a terminal: exit %d %q", tty.Code, tty.Stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed add left files: %v", entries)
	}
}

func TestBrandAddRejectsBadFlagValues(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]string{
		"http jwks":                      {"--jwks-uri", "http://id.acme.example/jwks"},
		"hs256":                          {"--alg", "RS256,HS256"},
		"unknown field":                  {"--map", "phone=phone_number"},
		"bad pointer":                    {"--map", "email=/a~2"},
		"bad name":                       {"--name", "Acme Corp"},
		"display name with a line break": {"--display-name", "Acme\nLoyalty"},
		"blank display name":             {"--display-name", "   "},
		"no equals":                      {"--map", "email"},
	}
	for name, extra := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"brand", "add", "--no-input", "--dir", dir}, acmeFlags...)
			res := clitest.Run(t, clitest.Opts{}, append(args, extra...)...)
			if res.Code != 2 {
				t.Fatalf("exit %d, want 2", res.Code)
			}
			flag := extra[0]
			if !strings.Contains(res.Stderr, flag) {
				t.Errorf("error does not name %s: %q", flag, res.Stderr)
			}
			if strings.Count(strings.TrimSpace(res.Stderr), "\n") > 1 {
				t.Errorf("error is not one line (plus hint): %q", res.Stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("rejected adds left files: %v", entries)
	}
}

func TestBrandAddDryRun(t *testing.T) {
	dir := t.TempDir()
	res := addAcme(t, dir, "--dry-run", "--alg", "RS256,ES256", "--org-id", "50123")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	clitest.Golden(t, "brand/add-dry-run.yaml", res.Stdout)
	if _, err := os.Stat(filepath.Join(dir, "acme.yaml")); !os.IsNotExist(err) {
		t.Error("--dry-run wrote the file")
	}
}

func TestBrandAddWarnsButWrites(t *testing.T) {
	dir := t.TempDir()
	res := clitest.Run(t, clitest.Opts{}, "brand", "add", "--no-input", "--dir", dir, "--name", "bare",
		"--application-id", "a", "--client-id", "c",
		"--jwks-uri", "https://id.example/jwks", "--userinfo-endpoint", "https://id.example/userinfo")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "warning: mappings: neither email nor mobile") || !strings.Contains(res.Stderr, "warning: ciam.issuer") {
		t.Errorf("warnings missing: %q", res.Stderr)
	}
}

// The form in huh's accessible mode: it asks only for what the flags left
// out, re-asks after a value fails validation, and confirms before writing.
func TestBrandAddFormAccessible(t *testing.T) {
	dir := t.TempDir()
	in := clitest.NewLineReader(
		"6a1f0c2e",                         // application ID
		"http://id.acme.example/jwks",      // JWKS URI: rejected, not https
		"https://id.acme.example/jwks",     // JWKS URI again
		"https://id.acme.example/userinfo", // userinfo
		"Acme Loyalty",                     // display name
		"https://id.acme.example/",         // issuer
		"",                                 // firstname: keep given_name
		"",                                 // lastname: keep family_name
		"",                                 // mobile: keep phone_number
		"/contact/email",                   // email
		"1",                                // confirm: 1. Write
	)
	res := clitest.Run(t, clitest.Opts{TTY: true, Stdin: in, Env: map[string]string{"ACCESSIBLE": "1"}},
		"brand", "add", "--dir", dir, "--name", "acme", "--client-id", "acme-loyalty")
	if res.Code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", res.Code, res.Stdout, res.Stderr)
	}
	if strings.Contains(res.Stderr, "Brand name") || strings.Contains(res.Stderr, "Client ID") {
		t.Errorf("form asked for values given as flags:\n%s", res.Stderr)
	}
	if !strings.Contains(res.Stderr, `JWKS URI: "http://id.acme.example/jwks" must use https`) {
		t.Errorf("form did not show the validation error naming the field:\n%s", res.Stderr)
	}
	clitest.Golden(t, "brand/form-accessible.txt", clitest.Normalize(res.Stderr, dir, "$WS"))
	data, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"displayName: Acme Loyalty", "jwksUri: https://id.acme.example/jwks", "firstname: given_name", "email: /contact/email", "issuer: https://id.acme.example/"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("file lacks %q:\n%s", want, data)
		}
	}
}

func TestBrandAddFormDeclined(t *testing.T) {
	dir := t.TempDir()
	in := clitest.NewLineReader("app", "https://id.example/jwks", "https://id.example/userinfo", "", "", "", "", "", "", "3")
	res := clitest.Run(t, clitest.Opts{TTY: true, Stdin: in, Env: map[string]string{"ACCESSIBLE": "1"}},
		"brand", "add", "--dir", dir, "--name", "acme", "--client-id", "c")
	if res.Code != 2 || !strings.Contains(res.Stderr, "cancelled") {
		t.Fatalf("exit %d, stderr %q", res.Code, res.Stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "acme.yaml")); !os.IsNotExist(err) {
		t.Error("declined form wrote the file")
	}
}

func TestBrandReadCommands(t *testing.T) {
	ws := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "valid")
	t.Chdir(clitest.RepoRoot(t))
	ws = "testdata/brands/valid"
	cases := []struct {
		golden string
		args   []string
	}{
		{"brand/list.txt", []string{"brand", "list"}},
		{"brand/list.json", []string{"brand", "list", "-o", "json"}},
		{"brand/show.txt", []string{"brand", "show", "acme"}},
		{"brand/show.json", []string{"brand", "show", "acme", "-o", "json"}},
		{"brand/show.yaml", []string{"brand", "show", "acme", "-o", "yaml"}},
		{"brand/export-ticket.txt", []string{"brand", "export", "acme"}},
		{"brand/export.json", []string{"brand", "export", "acme", "--format", "json"}},
		{"brand/export.yaml", []string{"brand", "export", "acme", "-o", "yaml"}},
		{"brand/export-minimal.txt", []string{"brand", "export", "minimal"}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			res := clitest.Run(t, clitest.Opts{}, append(c.args, "--dir", ws)...)
			if res.Code != 0 {
				t.Fatalf("exit %d: %s", res.Code, res.Stderr)
			}
			clitest.Golden(t, c.golden, res.Stdout)
		})
	}
}

func TestBrandShowMissingAndInvalid(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	missing := clitest.Run(t, clitest.Opts{}, "brand", "show", "nope", "--dir", "testdata/brands/valid")
	if missing.Code != 2 || !strings.Contains(missing.Stderr, "brand list") {
		t.Errorf("missing brand: exit %d %q", missing.Code, missing.Stderr)
	}
	bad := clitest.Run(t, clitest.Opts{}, "brand", "export", "alg-none", "--dir", "testdata/brands/invalid")
	if bad.Code != 1 || bad.Stdout != "" || !strings.Contains(bad.Stderr, "alg-none.yaml:10:23") {
		t.Errorf("invalid brand export: exit %d stdout %q stderr %q", bad.Code, bad.Stdout, bad.Stderr)
	}
	noArg := clitest.Run(t, clitest.Opts{}, "brand", "show")
	if noArg.Code != 2 || !strings.Contains(noArg.Stderr, "missing brand NAME") {
		t.Errorf("no argument: exit %d %q", noArg.Code, noArg.Stderr)
	}
}

func TestBrandRemove(t *testing.T) {
	dir := t.TempDir()
	if res := addAcme(t, dir); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	noTTY := clitest.Run(t, clitest.Opts{}, "brand", "remove", "acme", "--dir", dir)
	if noTTY.Code != 2 || !strings.Contains(noTTY.Stderr, "--yes") {
		t.Fatalf("without terminal: exit %d %q", noTTY.Code, noTTY.Stderr)
	}
	keep := clitest.Run(t, clitest.Opts{TTY: true, Stdin: clitest.NewLineReader("n"), Env: map[string]string{"ACCESSIBLE": "1"}},
		"brand", "remove", "acme", "--dir", dir)
	if keep.Code != 2 {
		t.Fatalf("declined: exit %d %q", keep.Code, keep.Stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "acme.yaml")); err != nil {
		t.Fatal("declined remove deleted the file")
	}
	yes := clitest.Run(t, clitest.Opts{TTY: true, Stdin: clitest.NewLineReader("y"), Env: map[string]string{"ACCESSIBLE": "1"}},
		"brand", "remove", "acme", "--dir", dir)
	if yes.Code != 0 || !strings.Contains(yes.Stderr, "Remove brand acme") {
		t.Fatalf("confirmed: exit %d %q", yes.Code, yes.Stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "acme.yaml")); !os.IsNotExist(err) {
		t.Fatal("file still there")
	}
	addAcme(t, dir)
	if res := clitest.Run(t, clitest.Opts{}, "brand", "remove", "acme", "--yes", "-o", "json", "--dir", dir); res.Code != 0 ||
		!strings.Contains(res.Stdout, `"result": "removed"`) {
		t.Fatalf("--yes: exit %d %q %q", res.Code, res.Stdout, res.Stderr)
	}
	gone := clitest.Run(t, clitest.Opts{}, "brand", "remove", "acme", "--yes", "--dir", dir)
	if gone.Code != 2 {
		t.Errorf("removing a missing brand: exit %d", gone.Code)
	}
}
