//go:build !windows

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// Issue 12, item 6: files named by flags (--claims, --key, --jwks, jwks
// inspect, --batch) and the workspace lock.

// specialFiles makes, in a fresh directory, a FIFO, a directory, a file over
// 1 MiB and a link to /dev/zero.
func specialFiles(t *testing.T) (fifo, dir, big, zero string) {
	t.Helper()
	base := t.TempDir()
	fifo, dir, big, zero = filepath.Join(base, "fifo.json"), filepath.Join(base, "dir.json"), filepath.Join(base, "big.json"), filepath.Join(base, "zero.json")
	for _, err := range []error{
		syscall.Mkfifo(fifo, 0o644),
		os.Mkdir(dir, 0o755),
		os.WriteFile(big, []byte(`{"sub":"`+strings.Repeat("x", 1<<20)+`"}`), 0o644),
		os.Symlink("/dev/zero", zero),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return fifo, dir, big, zero
}

// expectRefused checks a one-line error naming the flag, the file and why.
func expectRefused(t *testing.T, res clitest.Result, code int, flag, path, reason string) {
	t.Helper()
	if res.Code != code {
		t.Errorf("%s %s: exit %d, want %d\n%s", flag, path, res.Code, code, res.Stderr)
	}
	first, _, _ := strings.Cut(res.Stderr, "\n")
	if !strings.HasPrefix(first, "error: ") || !strings.Contains(first, flag) || !strings.Contains(first, path) || !strings.Contains(first, reason) {
		t.Errorf("%s %s: stderr %q, want one line naming the flag, the file and %q", flag, path, res.Stderr, reason)
	}
}

func TestMappingDryRunClaimsFileIsReadSafely(t *testing.T) {
	ws := t.TempDir()
	if res := addAcme(t, ws); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	fifo, dir, big, zero := specialFiles(t)
	for path, reason := range map[string]string{
		fifo: "is a named pipe (FIFO), not a regular file",
		dir:  "is a directory",
		big:  "is larger than 1 MiB",
		zero: "is a device, not a regular file",
	} {
		res := runNoHang(t, clitest.Opts{}, "mapping", "dry-run", "--dir", ws, "--brand", "acme", "--claims", path)
		expectRefused(t, res, 2, "--claims", path, reason)
	}
	// Stdin is capped the same way.
	res := runNoHang(t, clitest.Opts{Stdin: strings.NewReader(`{"sub":"` + strings.Repeat("x", 1<<20) + `"}`)},
		"mapping", "dry-run", "--dir", ws, "--brand", "acme", "--claims", "-")
	expectRefused(t, res, 2, "--claims", "-", "larger than 1 MiB")
	// A link the user names is followed, as cat does, to a regular file.
	claims := filepath.Join(t.TempDir(), "claims.json")
	if err := os.WriteFile(claims, []byte(`{"sub":"u1","contact":{"email":"Ada@Example.com"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.json")
	if err := os.Symlink(claims, link); err != nil {
		t.Fatal(err)
	}
	res = runNoHang(t, clitest.Opts{}, "mapping", "dry-run", "--dir", ws, "--brand", "acme", "--claims", link, "-o", "json")
	if res.Code != 0 || !strings.Contains(res.Stdout, `"ada@example.com"`) {
		t.Errorf("--claims through a link: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
}

func TestTokenSignAndJWKSFilesAreReadSafely(t *testing.T) {
	fifo, dir, big, zero := specialFiles(t)
	key := filepath.Join(t.TempDir(), "private.jwk.json")
	if err := os.WriteFile(key, tkKey(t, "main").priv, 0o600); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{fifo: "is a named pipe", dir: "is a directory", big: "larger than 1 MiB", zero: "is a device"}
	for path, reason := range reasons {
		res := runNoHang(t, clitest.Opts{}, "token", "sign", "--key", path, "--set", "sub=u1")
		expectRefused(t, res, 2, "--key", path, reason)
		res = runNoHang(t, clitest.Opts{}, "token", "sign", "--key", key, "--claims", path)
		expectRefused(t, res, 2, "--claims", path, reason)
		// A key set that cannot be read: exit 3, as for a missing file.
		res = runNoHang(t, clitest.Opts{}, "jwks", "inspect", path)
		expectRefused(t, res, 3, "jwks", path, map[string]string{big: "too large"}[path]+reasonUnlessBig(path, big, reason))
		res = runNoHang(t, clitest.Opts{}, "token", "verify", "--jwks", path, "--skip-issuer-check", "--skip-audience-check", "x.y.z")
		if res.Code == 0 || strings.Contains(res.Stdout, "✓ signature") {
			t.Errorf("--jwks %s: exit %d", path, res.Code)
		}
	}
}

func reasonUnlessBig(path, big, reason string) string {
	if path == big {
		return ""
	}
	return reason
}

func TestTokenVerifyBatchTakesFilesAndNamedPipesOnly(t *testing.T) {
	fifo, dir, _, zero := specialFiles(t)
	jwksFile := tkJWKSFile(t)
	tok := tkSign(t, "main", nil)
	for path, reason := range map[string]string{dir: "is a directory", zero: "is a device"} {
		res := runNoHang(t, clitest.Opts{}, "token", "verify", "--jwks", jwksFile, "--issuer", tkIssuer, "--audience", tkAudience, "--batch", path)
		expectRefused(t, res, 2, "--batch", path, reason)
	}
	// A named pipe given explicitly is a stream, as <(cmd) is: it is read.
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.WriteString(tok + "\n" + tok + "\n")
			w.Close()
		}
	}()
	res := runNoHang(t, clitest.Opts{}, "token", "verify", "--jwks", jwksFile, "--issuer", tkIssuer, "--audience", tkAudience, "--batch", fifo)
	if res.Code != 0 || !strings.Contains(res.Stderr, "2 tokens: 2 valid") {
		t.Errorf("--batch FIFO: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
}

func TestWorkspaceLockIsNeverFollowed(t *testing.T) {
	ws := t.TempDir()
	if res := addAcme(t, ws); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	lock := filepath.Join(ws, ".ciamctl.lock")
	os.Remove(lock)
	before, _ := os.ReadFile(filepath.Join(ws, "acme.yaml"))
	elsewhere := filepath.Join(t.TempDir(), "planted")
	if err := os.Symlink(elsewhere, lock); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		append([]string{"brand", "add", "--no-input", "--force", "--dir", ws}, append(acmeFlags, "--client-id", "other")...),
		{"brand", "remove", "--yes", "--dir", ws, "acme"},
	} {
		res := runNoHang(t, clitest.Opts{}, args...)
		expectCode(t, res, 3)
		want := "error: workspace lock " + lock + " is a symbolic link, which ciamctl never follows (remove it): workspace I/O failure\n"
		if res.Stderr != want {
			t.Errorf("%s %s: stderr %q, want %q", args[0], args[1], res.Stderr, want)
		}
		if _, err := os.Lstat(elsewhere); !os.IsNotExist(err) {
			t.Errorf("the lock link was followed: %s exists", elsewhere)
		}
		if after, _ := os.ReadFile(filepath.Join(ws, "acme.yaml")); string(after) != string(before) {
			t.Error("the brand file changed without the lock")
		}
	}
	// A FIFO in its place is refused without blocking.
	os.Remove(lock)
	if err := syscall.Mkfifo(lock, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runNoHang(t, clitest.Opts{}, "brand", "remove", "--yes", "--dir", ws, "acme")
	expectCode(t, res, 3)
	if !strings.Contains(res.Stderr, "workspace lock "+lock+" is not a regular file (remove it)") {
		t.Errorf("stderr %q", res.Stderr)
	}
}
