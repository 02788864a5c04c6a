package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// -q prints only problems and errors (issue 16 item 4): nothing when a
// check passes or an action succeeds; warnings and errors as usual, without
// the summaries; results that are the command's output (brand list, -o
// json) unchanged.
func TestQuiet(t *testing.T) {
	ws := t.TempDir()
	clean := clitest.Run(t, clitest.Opts{}, append(brandArgs(ws, "acme", "acme-app"), "-q")...)
	if clean.Code != 0 || clean.Stdout != "" || clean.Stderr != "" {
		t.Fatalf("brand add -q: exit %d, stdout %q, stderr %q", clean.Code, clean.Stdout, clean.Stderr)
	}
	root := clitest.RepoRoot(t)
	t.Chdir(root)
	jwksPath := tkJWKSFile(t)
	verify := []string{"token", "verify", "--jwks", jwksPath, "--issuer", tkIssuer, "--audience", tkAudience}
	expired := tkSign(t, "main", map[string]any{"iat": tkNow.Add(-3 * time.Hour).Unix(), "exp": tkNow.Add(-2 * time.Hour).Unix()})
	batch := filepath.Join(t.TempDir(), "tokens.txt")
	if err := os.WriteFile(batch, []byte(tkSign(t, "main", nil)+"\n"+expired+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name         string
		args         []string
		code         int
		stdout       string // golden file; "" means no output at all
		stderrSilent bool
	}{
		{"config validate, clean", []string{"config", "validate", "-q", "--dir", ws}, 0, "", true},
		{"config validate, github, clean", []string{"config", "validate", "-q", "--format", "github", "--dir", ws}, 0, "", true},
		{"config validate, warnings", []string{"config", "validate", "-q", "testdata/brands/valid"}, 0, "quiet/validate-warnings.txt", true},
		{"config validate, errors", []string{"config", "validate", "--quiet", "testdata/brands/invalid"}, 1, "quiet/validate-errors.txt", true},
		{"token verify, valid", append(verify, "-q", tkSign(t, "main", nil)), 0, "", true},
		{"token verify, expired", append(verify, "-q", expired), 1, "quiet/verify-expired.txt", true},
		{"token verify --batch", append(verify, "-q", "--batch", batch), 1, "quiet/verify-batch.txt", false},
		{"jwks inspect, valid", []string{"jwks", "inspect", "-q", jwksPath}, 0, "", true},
		{"keys generate", []string{"keys", "generate", "-q", "--out", t.TempDir()}, 0, "", true},
		{"brand list is the result", []string{"brand", "list", "-q", "--dir", ws}, 0, "quiet/brand-list.txt", true},
		{"brand remove", []string{"brand", "remove", "-q", "--yes", "acme", "--dir", ws}, 0, "", true},
		{"brand list, empty", []string{"brand", "list", "-q", "--dir", ws}, 0, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, c.args...)
			if res.Code != c.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", res.Code, c.code, res.Stdout, res.Stderr)
			}
			if c.stdout == "" {
				if res.Stdout != "" {
					t.Errorf("stdout %q, want nothing", res.Stdout)
				}
			} else {
				clitest.Golden(t, c.stdout, strings.ReplaceAll(res.Stdout, ws, "$WS"))
			}
			if c.stderrSilent && res.Stderr != "" {
				t.Errorf("stderr %q, want nothing", res.Stderr)
			}
		})
	}
}

// help TOPIC is a usage error when TOPIC names no command (it printed the
// root's usage and exited 0).
func TestHelpUnknownTopic(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "nonsense"}, "no command ciamctl nonsense"},
		{[]string{"help", "brnd"}, "did you mean brand?"},
		{[]string{"help", "brand", "nonsense"}, "no command ciamctl brand nonsense"},
	} {
		res := clitest.Run(t, clitest.Opts{}, c.args...)
		if res.Code != 2 || res.Stdout != "" || !strings.Contains(res.Stderr, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", c.args, res.Code, res.Stdout, res.Stderr)
		}
	}
	clitest.Golden(t, "help/unknown.txt", clitest.Run(t, clitest.Opts{}, "help", "brnd").Stderr)
	if res := clitest.Run(t, clitest.Opts{}, "help", "brand", "add"); res.Code != 0 || !strings.Contains(res.Stdout, "Usage:") {
		t.Errorf("help brand add: exit %d, stdout %q", res.Code, res.Stdout)
	}
}

// Long durations read in days and years ("2y 3d ago"), not hours.
func TestTokenDecodeLongDurations(t *testing.T) {
	old := tkSign(t, "main", map[string]any{
		"iat": tkNow.Add(-(2*365+3)*24*time.Hour - 5*time.Hour).Unix(),
		"exp": tkNow.Add(-(2*365+2)*24*time.Hour - 23*time.Hour).Unix(),
	})
	res := clitest.Run(t, clitest.Opts{}, "token", "decode", old)
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	dates := res.Stdout[strings.Index(res.Stdout, "Dates (UTC)"):]
	clitest.Golden(t, "token/decode-long-ago.txt", dates)
	if !strings.Contains(dates, "2y 3d ago") {
		t.Errorf("dates:\n%s", dates)
	}
	verify := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--jwks", tkJWKSFile(t),
		"--issuer", tkIssuer, "--audience", tkAudience, old)
	if verify.Code != 1 || !strings.Contains(verify.Stdout, "(2y 2d ago, leeway 1m0s)") {
		t.Errorf("verify: exit %d\n%s", verify.Code, verify.Stdout)
	}
}

// A file named where a token goes is a usage error saying how to pass it.
func TestTokenArgumentThatIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token.txt")
	if err := os.WriteFile(file, []byte(tkSign(t, "main", nil)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"token", "decode", file},
		{"token", "verify", "--jwks", tkJWKSFile(t), "--issuer", tkIssuer, "--audience", tkAudience, file},
	} {
		res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, args...)
		want := "TOKEN: " + file + " is a file, not a token; pass the token, or the file on stdin: - < " + file
		if res.Code != 2 || !strings.Contains(res.Stderr, want) {
			t.Errorf("%v: exit %d, stderr %q", args[:2], res.Code, res.Stderr)
		}
	}
}

// doctor -q shows only the checks that need attention, and nothing once the
// brand is ready.
func TestDoctorQuiet(t *testing.T) {
	_, opts, _ := sandboxBrand(t)
	before := clitest.Run(t, opts, "doctor", "--brand", "acme", "-q")
	lines := strings.Split(strings.TrimSpace(before.Stdout), "\n")
	if before.Code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "✗ channel") || lines[1] != "acme: 1 check failed" {
		t.Errorf("before channel link: exit %d\n%s", before.Code, before.Stdout)
	}
	if link := clitest.Run(t, opts, "channel", "link", "--brand", "acme"); link.Code != 0 {
		t.Fatalf("channel link: %d %s", link.Code, link.Stderr)
	}
	if after := clitest.Run(t, opts, "doctor", "--brand", "acme", "-q"); after.Code != 0 || after.Stdout != "" {
		t.Errorf("ready: exit %d, stdout %q", after.Code, after.Stdout)
	}
}
