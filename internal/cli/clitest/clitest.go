// Package clitest runs ciamctl commands through the real cobra entry with
// in-memory streams, and compares output with golden files under testdata/.
package clitest

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/profile"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Result is what one run produced.
type Result struct {
	Code   int
	Stdout string
	Stderr string
}

// Opts shapes one run.
type Opts struct {
	Env   map[string]string
	Stdin io.Reader
	// TTY pretends stdin, stdout and stderr are terminals.
	TTY   bool
	Color bool
	Now   time.Time
	// Browser plays the user's browser for token fetch; nil: opening a URL fails.
	Browser func(url string) error
	// HTTPClient replaces the plain client every command gets (e.g. one whose
	// dialer records connections).
	HTTPClient func() *http.Client
	// Stdout, when set, receives stdout instead of Result.Stdout (a
	// benchmark writing millions of lines discards them).
	Stdout io.Writer
	// Clock replaces the fixed Now (e.g. one that Sleep moves on), and
	// Sleep the real waits of the platform client.
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Keychain stands in for the OS keychain; nil: none (profiles keep
	// their secrets in a file). Tests never touch the real one.
	Keychain profile.Keychain
}

// Run executes ciamctl with args and returns exit code and output.
func Run(t testing.TB, o Opts, args ...string) Result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	if o.Stdin != nil {
		ios.In = o.Stdin
	} else {
		_ = in
	}
	if o.Stdout != nil {
		ios.Out = o.Stdout
	}
	ios.SetTTY(o.TTY, o.TTY, o.TTY)
	ios.SetColorEnabled(o.Color)
	now := o.Now
	if now.IsZero() {
		now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	}
	// Profiles live in a fresh directory unless the test names one: never
	// the real user's.
	_, ownConfigDir := o.Env[cmdutil.EnvConfigDir]
	configDir := sync.OnceValue(func() string { return t.TempDir() })
	f := &cmdutil.Factory{
		IOStreams: ios,
		Getenv: func(k string) string {
			if k == cmdutil.EnvConfigDir && !ownConfigDir {
				return configDir()
			}
			return o.Env[k]
		},
		Now:        func() time.Time { return now },
		HTTPClient: func() *http.Client { return &http.Client{} },
		Globals:    &cmdutil.Globals{},
		Browser:    o.Browser,
		Keychain:   o.Keychain,
	}
	if f.Keychain == nil {
		f.Keychain = profile.NoKeychain{Reason: "none in tests"}
	}
	if f.Browser == nil {
		f.Browser = func(string) error { return errors.New("no browser in tests") }
	}
	if o.HTTPClient != nil {
		f.HTTPClient = o.HTTPClient
	}
	if o.Clock != nil {
		f.Now = o.Clock
	}
	f.Sleep = o.Sleep
	code := cli.Run(context.Background(), f, args)
	return Result{Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

// RepoRoot is the module root, found from this file's location.
func RepoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate repository root")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// Golden compares got with testdata/golden/<name>, or rewrites it with -update.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join(RepoRoot(t), "testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update to create it)", name, err)
	}
	if string(want) != got {
		t.Errorf("output differs from golden %s (run go test -update after checking):\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}

// Normalize replaces a temporary directory in output with a stable token.
func Normalize(s, dir, token string) string {
	return strings.ReplaceAll(s, dir, token)
}

// LineReader hands out one line per Read, as a terminal in canonical mode
// does. huh's accessible prompts start a fresh bufio.Scanner per field,
// which would swallow every later answer from a plain buffer.
type LineReader struct{ lines []string }

// NewLineReader answers prompts with the given lines in order.
func NewLineReader(lines ...string) *LineReader { return &LineReader{lines: lines} }

func (r *LineReader) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	line := r.lines[0] + "\n"
	n := copy(p, line)
	if n < len(line) {
		r.lines[0] = line[n : len(line)-1]
	} else {
		r.lines = r.lines[1:]
	}
	return n, nil
}
