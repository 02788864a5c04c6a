package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cli"
	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/cli/completioncmd"
)

// The committed completion scripts match the command tree; regenerate with
// `go run ./internal/tools/gendocs` after changing commands or flags.
func TestCompletionsUpToDate(t *testing.T) {
	for _, shell := range completioncmd.Shells {
		t.Run(shell, func(t *testing.T) {
			res := clitest.Run(t, clitest.Opts{}, "completion", shell)
			if res.Code != 0 {
				t.Fatalf("exit %d: %s", res.Code, res.Stderr)
			}
			var direct bytes.Buffer
			if err := completioncmd.Generate(cli.NewRootForDocs(), shell, &direct); err != nil {
				t.Fatal(err)
			}
			if res.Stdout != direct.String() {
				t.Fatal("`ciamctl completion` differs from the generator")
			}
			path := filepath.Join(clitest.RepoRoot(t), "completions", completioncmd.FileName(shell))
			committed, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(committed) != res.Stdout {
				t.Fatalf("%s is out of date with the command tree; run `go run ./internal/tools/gendocs`", path)
			}
		})
	}
	if res := clitest.Run(t, clitest.Opts{}, "completion", "tcsh"); res.Code != 2 {
		t.Errorf("unknown shell: exit %d", res.Code)
	}
}

func TestBrandNameCompletion(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	res := clitest.Run(t, clitest.Opts{}, "__complete", "brand", "show", "--dir", "testdata/brands/valid", "")
	for _, name := range []string{"acme", "local-dev", "minimal", "warnings"} {
		if !strings.Contains(res.Stdout, name+"\n") {
			t.Errorf("completion lacks %s: %q", name, res.Stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{}, "version")
	if res.Code != 0 || !strings.HasPrefix(res.Stdout, "ciamctl ") || !strings.Contains(res.Stdout, "commit ") {
		t.Fatalf("version: %d %q", res.Code, res.Stdout)
	}
	js := clitest.Run(t, clitest.Opts{}, "version", "-o", "json")
	var info map[string]string
	if err := json.Unmarshal([]byte(js.Stdout), &info); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "commit", "date", "goVersion", "platform"} {
		if info[k] == "" {
			t.Errorf("version -o json lacks %s: %v", k, info)
		}
	}
	want := "ciamctl " + info["version"] + "\n"
	for _, args := range [][]string{{"--version"}, {"-v"}, {"--no-color", "--version"}} {
		if flag := clitest.Run(t, clitest.Opts{}, args...); flag.Code != 0 || flag.Stdout != want {
			t.Errorf("%v: %d %q, want %q", args, flag.Code, flag.Stdout, want)
		}
	}
	if sub := clitest.Run(t, clitest.Opts{}, "brand", "--version"); sub.Code != 2 {
		t.Errorf("brand --version: exit %d, want 2 (the flag is the root's only)", sub.Code)
	}
}

func TestColourOnlyWhenEnabled(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	args := []string{"config", "validate", "testdata/brands/invalid/alg-none.yaml"}
	plain := clitest.Run(t, clitest.Opts{}, args...)
	if strings.Contains(plain.Stdout+plain.Stderr, "\x1b[") {
		t.Errorf("escape codes without colour: %q", plain.Stdout)
	}
	coloured := clitest.Run(t, clitest.Opts{TTY: true, Color: true}, args...)
	if !strings.Contains(coloured.Stdout, "\x1b[31merror\x1b[0m") {
		t.Errorf("no red error on a colour terminal: %q", coloured.Stdout)
	}
	off := clitest.Run(t, clitest.Opts{TTY: true, Color: true}, append(args, "--no-color")...)
	if strings.Contains(off.Stdout, "\x1b[") {
		t.Errorf("--no-color still coloured: %q", off.Stdout)
	}
}

func TestUnknownCommandsAndFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nonsense"}, {"brand", "lst"}, {"brand", "list", "--bogus"}, {"config"}, {"--timeout", "0s", "version"}} {
		res := clitest.Run(t, clitest.Opts{}, args...)
		want := 2
		if len(args) == 1 && args[0] == "config" {
			want = 0 // a group alone shows its help
		}
		if res.Code != want {
			t.Errorf("%v: exit %d, want %d (%s)", args, res.Code, want, res.Stderr)
		}
	}
	res := clitest.Run(t, clitest.Opts{}, "brand", "lst")
	if !strings.Contains(res.Stderr, "did you mean set or list?") { // brand set is as close to "lst"
		t.Errorf("no suggestion: %q", res.Stderr)
	}
}

// Extra positional arguments are usage errors (exit 2) on every command
// that takes at most one.
func TestTooManyArgumentsIsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"token", "decode", "a", "b"},
		{"token", "verify", "a", "b"},
		{"mapping", "dry-run", "--brand", "acme", "a", "b"},
		{"flow", "login", "--brand", "acme", "a", "b"},
		{"jwks", "inspect", "a", "b"},
		{"version", "extra"},
	} {
		res := clitest.Run(t, clitest.Opts{}, args...)
		if res.Code != 2 || !strings.Contains(res.Stderr, "usage:") {
			t.Errorf("%v: exit %d, stderr %q", args, res.Code, res.Stderr)
		}
	}
}

// Every --brand flag completes the workspace's brand names.
func TestBrandFlagCompletion(t *testing.T) {
	dir := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "valid")
	for _, args := range [][]string{
		{"token", "verify"}, {"mapping", "dry-run"}, {"flow", "login"}, {"channel", "link"},
		{"channel", "list"}, {"customer", "lookup"}, {"doctor"},
	} {
		full := append([]string{"__complete"}, args...)
		res := clitest.Run(t, clitest.Opts{}, append(full, "--dir", dir, "--brand", "")...)
		if res.Code != 0 || !strings.Contains(res.Stdout, "acme\n") || !strings.Contains(res.Stdout, "minimal\n") {
			t.Errorf("%v --brand: exit %d, %q", args, res.Code, res.Stdout)
		}
	}
}

// Every command a user can run carries examples (they are the help text
// people copy from) and a one-line summary.
func TestEveryCommandHasExamples(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			if sub.Short == "" {
				t.Errorf("%s has no short description", sub.CommandPath())
			}
			if sub.Runnable() && sub.RunE != nil && strings.TrimSpace(sub.Example) == "" {
				t.Errorf("%s has no examples", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(cli.NewRootForDocs())
}
