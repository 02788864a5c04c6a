package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

func accessibleRun(t *testing.T, answers []string, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, clitest.Opts{TTY: true, Stdin: clitest.NewLineReader(answers...), Env: map[string]string{"ACCESSIBLE": "1"}}, args...)
}

// The form on an existing brand edits it: each question starts from the
// file's value (shown as the default), "-" empties an optional one, the
// confirmation shows the file and the changes and can go back to the
// answers; what is written keeps the comments and the channel.
func TestBrandAddFormEditsAnExistingBrand(t *testing.T) {
	dir, path := writeAcme(t, commentedAcme)
	res := accessibleRun(t, []string{
		"",             // application ID: keep
		"acme-web",     // client ID
		"",             // JWKS URI: keep
		"",             // userinfo: keep
		"Acme",         // display name (none in the file)
		"",             // issuer: keep
		"",             // firstname: keep given_name
		"",             // lastname: none in the file, stays unmapped
		"-",            // mobile: unmap
		"",             // email: keep
		"2",            // change the answers
		"", "", "", "", // application ID … userinfo: keep the answers
		"Acme Loyalty",         // display name again
		"", "", "", "", "", "", // issuer, mappings: keep
		"1", // write
	}, "brand", "add", "--dir", dir, "--name", "acme")
	expectCode(t, res, 0)
	clitest.Golden(t, "brand/form-edit.txt", clitest.Normalize(res.Stderr, dir, "$WS"))
	clitest.Golden(t, "brand/form-edit-result.txt", clitest.Normalize(res.Stdout, dir, "$WS"))
	want := strings.NewReplacer(
		"brand: acme                 # the file name matches\n", "brand: acme                 # the file name matches\ndisplayName: Acme Loyalty\n",
		"clientId: acme-loyalty\n", "clientId: acme-web\n",
		"  # the CIAM's custom claim\n  mobile: https://acme.example/claims/mobile\n", "",
	).Replace(commentedAcme)
	if got := readFile(t, path); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
}

// A brand name typed in the form that names an existing brand fills the
// other questions from its file; keeping them all changes nothing.
func TestBrandAddFormPrefillsFromATypedName(t *testing.T) {
	dir, path := writeAcme(t, commentedAcme)
	res := accessibleRun(t, []string{"acme", "", "", "", "", "", "", "", "", "", "", "1"}, "brand", "add", "--dir", dir)
	expectCode(t, res, 0)
	for _, want := range []string{
		"Brand acme exists in $WS/acme.yaml: the questions start from its values",
		"Client ID (the OAuth client ID; ID tokens carry it as their audience) [acme-loyalty]:",
		"Claim for mobile (an ID-token claim name, or a JSON Pointer such as /contact/email; \"-\" leaves it unmapped) [https://acme.example/claims/mobile]:",
		"Brand acme already has these values; nothing changes.",
	} {
		if !strings.Contains(clitest.Normalize(res.Stderr, dir, "$WS"), want) {
			t.Errorf("the form lacks %q:\n%s", want, res.Stderr)
		}
	}
	if !strings.Contains(res.Stdout, "nothing changed") || readFile(t, path) != commentedAcme {
		t.Errorf("keeping every value changed something: %q\n%s", res.Stdout, readFile(t, path))
	}
}

// --dry-run's confirmation offers to print, not to write.
func TestBrandAddFormDryRunSaysPrint(t *testing.T) {
	dir := t.TempDir()
	res := accessibleRun(t, []string{"a", "https://id.example/jwks", "https://id.example/userinfo", "", "", "", "", "", "", "1"},
		"brand", "add", "--dir", dir, "--name", "acme", "--client-id", "c", "--dry-run")
	expectCode(t, res, 0)
	if !strings.Contains(res.Stderr, "Print the brand file? (dry run: nothing is written) \n1. Print\n2. Change the answers\n3. Cancel") ||
		strings.Contains(res.Stderr, "Write") {
		t.Errorf("confirmation:\n%s", res.Stderr)
	}
	if !strings.HasPrefix(res.Stdout, "# Gateway CIAM configuration for brand \"acme\"") {
		t.Errorf("stdout: %q", res.Stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("--dry-run wrote %v", entries)
	}
}

// Every flag given but no --map: on a terminal the mappings are asked (and
// only they); without one, none are and the brand is written with a warning.
func TestBrandAddAsksForMappingsOnATerminal(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"brand", "add", "--dir", dir, "--name", "acme", "--application-id", "a", "--client-id", "c",
		"--jwks-uri", "https://id.example/jwks", "--userinfo-endpoint", "https://id.example/userinfo", "--issuer", "https://id.example/"}
	res := accessibleRun(t, []string{"-", "", "-", "/contact/email", "1"}, flags...)
	expectCode(t, res, 0)
	prompts := strings.Count(res.Stderr, "]:") + strings.Count(res.Stderr, "):")
	if !strings.HasPrefix(res.Stderr, "Claim for firstname") || prompts != 4 {
		t.Errorf("the form asked %d questions:\n%s", prompts, res.Stderr)
	}
	data := readFile(t, filepath.Join(dir, "acme.yaml"))
	if !strings.Contains(data, "mappings:\n  lastname: family_name\n  email: /contact/email\n") {
		t.Errorf("file:\n%s", data)
	}
}

// Input that ends before the form does cancels it: nothing is written with
// the defaults (huh answers every prompt left with its default).
func TestBrandAddFormEndOfInputCancels(t *testing.T) {
	dir := t.TempDir()
	res := accessibleRun(t, []string{"app", "https://id.example/jwks"}, "brand", "add", "--dir", dir, "--name", "acme", "--client-id", "c")
	if res.Code != 2 || !strings.Contains(res.Stderr, "cancelled") {
		t.Fatalf("exit %d\n%s", res.Code, res.Stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an unfinished form wrote %v", entries)
	}
	// Also at the confirmation, after an answer it refused.
	res = accessibleRun(t, []string{"app", "https://id.example/jwks", "https://id.example/userinfo", "", "", "", "", "", "", "y"},
		"brand", "add", "--dir", dir, "--name", "acme", "--client-id", "c")
	if res.Code != 2 || !strings.Contains(res.Stderr, "cancelled") {
		t.Fatalf("exit %d\n%s", res.Code, res.Stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an unconfirmed form wrote %v", entries)
	}
}

// A --name that is no brand name (it makes the file's path) is refused
// before the form asks anything or any file is read.
func TestBrandAddBadNameBeforeTheForm(t *testing.T) {
	dir := t.TempDir()
	res := accessibleRun(t, []string{"app"}, "brand", "add", "--dir", dir, "--name", "../acme")
	if res.Code != 2 || !strings.HasPrefix(res.Stderr, "error: --name: \"../acme\" is not a valid brand name") {
		t.Errorf("exit %d %q", res.Code, res.Stderr)
	}
}
