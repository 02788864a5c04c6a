//go:build !windows

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// Issue 12, item 6: brand files and other input files are read safely.

// secretText is the content of a file beside the workspace that a committed
// link points at; it must never be echoed.
const secretText = "TOP-SECRET-DEPLOY-KEY-8c1f"

// hostileWorkspace is a workspace with one good brand and, beside it, every
// kind of entry that must be skipped, each with the reason it is skipped.
func hostileWorkspace(t *testing.T) (dir string, skipped map[string]string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "brands")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(dir, 0o755))
	// YAML-shaped, as a config file beside the workspace would be: a brand
	// check would quote its values in errors.
	must(os.WriteFile(filepath.Join(base, "secret.txt"), []byte("apiVersion: "+secretText+"\n"), 0o600))
	if res := addAcme(t, dir); res.Code != 0 {
		t.Fatalf("brand add: %s", res.Stderr)
	}
	must(os.Symlink("../secret.txt", filepath.Join(dir, "leak.yaml")))
	must(os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(dir, "leakabs.yaml")))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644))
	must(os.Mkdir(filepath.Join(dir, "folder.yaml"), 0o755))
	big := "apiVersion: ciamctl/v1\n#" + strings.Repeat("x", 1<<20) + "\n"
	must(os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(big), 0o644))
	out := "is a symbolic link that leads out of " + dir
	return dir, map[string]string{
		"leak.yaml":    out,
		"leakabs.yaml": out,
		"zero.yaml":    out,
		"pipe.yaml":    "is a named pipe (FIFO), not a regular file",
		"folder.yaml":  "is a directory",
		"big.yaml":     "is larger than 1 MiB",
	}
}

// runNoHang runs ciamctl and fails the test, rather than hanging it, when
// the command blocks (as reading a FIFO does).
func runNoHang(t *testing.T, o clitest.Opts, args ...string) clitest.Result {
	t.Helper()
	done := make(chan clitest.Result, 1)
	go func() { done <- clitest.Run(t, o, args...) }()
	select {
	case res := <-done:
		return res
	case <-time.After(60 * time.Second):
		t.Fatalf("ciamctl %s blocked on a file it should have skipped", strings.Join(args, " "))
	}
	return clitest.Result{}
}

func expectNoSecret(t *testing.T, res clitest.Result) {
	t.Helper()
	if strings.Contains(res.Stdout+res.Stderr, secretText) {
		t.Errorf("the target of a link out of the workspace was echoed:\n%s%s", res.Stdout, res.Stderr)
	}
}

func TestConfigValidateSkipsUnsafeBrandFilesAsErrors(t *testing.T) {
	dir, skipped := hostileWorkspace(t)
	for _, format := range []string{"text", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			res := runNoHang(t, clitest.Opts{}, "config", "validate", "--dir", dir, "--format", format)
			expectCode(t, res, 1)
			expectNoSecret(t, res)
			var rep struct {
				Valid    bool
				Problems []struct {
					File, Severity, Message string
					Line, Column            int
				}
			}
			if format == "json" {
				if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil || rep.Valid {
					t.Fatalf("valid %v, %v:\n%s", rep.Valid, err, res.Stdout)
				}
			}
			for name, reason := range skipped {
				path := filepath.Join(dir, name)
				var want string
				switch format {
				case "text":
					want = path + ":1:1: error: skipped: " + reason
				case "github":
					want = "::error file=" + path + ",line=1,col=1,title=ciamctl config validate::skipped: " + reason
				case "json":
					for _, p := range rep.Problems {
						if p.File == path && p.Line == 1 && p.Column == 1 && p.Severity == "error" && strings.HasPrefix(p.Message, "skipped: "+reason) {
							want = "found"
						}
					}
					if want == "" {
						t.Errorf("%s: no error problem %q in\n%s", name, reason, res.Stdout)
					}
					continue
				}
				if !strings.Contains(res.Stdout, want) {
					t.Errorf("%s: output lacks\n%s\ngot:\n%s", name, want, res.Stdout)
				}
			}
			if strings.Contains(res.Stdout, "acme.yaml") {
				t.Errorf("the good brand has a problem:\n%s", res.Stdout)
			}
		})
	}
	// A directory given to config validate is confined the same way.
	res := runNoHang(t, clitest.Opts{}, "config", "validate", dir)
	expectCode(t, res, 1)
	expectNoSecret(t, res)
	if !strings.Contains(res.Stdout, filepath.Join(dir, "leak.yaml")+":1:1: error: skipped: is a symbolic link that leads out of "+dir) {
		t.Errorf("a link out of the given directory was not skipped:\n%s", res.Stdout)
	}
	// A file named on the command line may be a link (the user chose it),
	// but it must lead to a regular file.
	for name, reason := range map[string]string{"zero.yaml": "is a device", "pipe.yaml": "is a named pipe"} {
		path := filepath.Join(dir, name)
		res := runNoHang(t, clitest.Opts{}, "config", "validate", path)
		expectCode(t, res, 1)
		if !strings.Contains(res.Stdout, path+":1:1: error: skipped: "+reason) {
			t.Errorf("%s: %s", name, res.Stdout)
		}
	}
}

func TestBrandListShowsUnsafeFilesAsProblemRows(t *testing.T) {
	dir, skipped := hostileWorkspace(t)
	res := runNoHang(t, clitest.Opts{}, "brand", "list", "--dir", dir)
	expectCode(t, res, 0)
	expectNoSecret(t, res)
	rows := map[string]string{}
	for _, line := range strings.Split(res.Stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = line
		}
	}
	if !strings.HasSuffix(rows["acme"], " ok") {
		t.Errorf("acme row: %q", rows["acme"])
	}
	for name, reason := range skipped {
		brand := strings.TrimSuffix(name, ".yaml")
		if !strings.Contains(rows[brand], "skipped: "+reason) {
			t.Errorf("%s row %q does not say %q", brand, rows[brand], reason)
		}
	}
	res = runNoHang(t, clitest.Opts{}, "brand", "list", "--dir", dir, "-o", "json")
	var items []struct{ Brand, File, Skipped string }
	if err := json.Unmarshal([]byte(res.Stdout), &items); err != nil || len(items) != 1+len(skipped) {
		t.Fatalf("brand list -o json: %v\n%s", err, res.Stdout)
	}
	for _, it := range items {
		if want := skipped[filepath.Base(it.File)]; want != "" && !strings.HasPrefix(it.Skipped, "skipped: "+want) {
			t.Errorf("%s: skipped %q, want %q", it.Brand, it.Skipped, want)
		}
	}
}

func TestCompletionSilentlySkipsUnsafeBrandFiles(t *testing.T) {
	dir, _ := hostileWorkspace(t)
	for _, args := range [][]string{
		{"__complete", "--dir", dir, "token", "verify", "--brand", ""},
		{"__complete", "--dir", dir, "brand", "show", ""},
	} {
		res := runNoHang(t, clitest.Opts{}, args...)
		expectCode(t, res, 0)
		if got := strings.Fields(res.Stdout); len(got) != 2 || got[0] != "acme" {
			t.Errorf("%v: completions %q, want only acme", args, got)
		}
	}
}

func TestBrandFlagRefusesUnsafeBrandFiles(t *testing.T) {
	dir, skipped := hostileWorkspace(t)
	for name, reason := range skipped {
		brand := strings.TrimSuffix(name, ".yaml")
		path := filepath.Join(dir, name)
		res := runNoHang(t, clitest.Opts{}, "mapping", "dry-run", "--dir", dir, "--brand", brand, "--claims", "-")
		expectCode(t, res, 2)
		expectNoSecret(t, res)
		want := `error: brand "` + brand + `": ` + path + " " + reason
		if !strings.HasPrefix(res.Stderr, want) {
			t.Errorf("%s: stderr %q, want it to start with %q", name, res.Stderr, want)
		}
	}
	// brand show reports it (exit 1); brand remove deletes the entry, not
	// what a link points to.
	res := runNoHang(t, clitest.Opts{}, "brand", "show", "--dir", dir, "leak")
	expectCode(t, res, 1)
	expectNoSecret(t, res)
	res = runNoHang(t, clitest.Opts{}, "brand", "remove", "--yes", "--dir", dir, "leak")
	expectCode(t, res, 0)
	if _, err := os.Lstat(filepath.Join(dir, "leak.yaml")); !os.IsNotExist(err) {
		t.Errorf("the link is still there: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "secret.txt")); err != nil || !strings.Contains(string(b), secretText) {
		t.Errorf("removing the link touched its target: %q %v", b, err)
	}
}

// brand add over a file that would be skipped refuses to write over it.
func TestBrandAddDoesNotWriteOverUnsafeFiles(t *testing.T) {
	dir, skipped := hostileWorkspace(t)
	for _, name := range []string{"leak", "pipe", "zero"} {
		path := filepath.Join(dir, name+".yaml")
		args := append([]string{"brand", "add", "--no-input", "--force", "--dir", dir}, acmeFlags...)
		res := runNoHang(t, clitest.Opts{}, append(args, "--name", name)...)
		expectCode(t, res, 3)
		expectNoSecret(t, res)
		want := "error: " + path + ": " + skipped[name+".yaml"]
		if !strings.HasPrefix(res.Stderr, want) || !strings.Contains(res.Stderr, "move it away first") {
			t.Errorf("%s: stderr %q, want it to start with %q", name, res.Stderr, want)
		}
		if st, err := os.Lstat(path); err != nil || st.Mode().IsRegular() {
			t.Errorf("%s was replaced: %v", path, err)
		}
	}
}
