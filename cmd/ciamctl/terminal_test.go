package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/ptytest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// binary builds ciamctl once for the tests of this package, the way a user
// gets it (no test code linked in: package initialisation is what is
// tested).
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ciamctl-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "ciamctl")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// terminalEnv is the environment of a user at an xterm: no CI variable
// (termenv asks nothing when CI is set, so a CI runner's own CI=true
// would hide the bug), no colour settings, TERM naming a terminal that
// could answer.
func terminalEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "CI", "TERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "COLORFGBG", "TERM_PROGRAM":
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "TERM=xterm-256color"), extra...)
}

// termenv waits this long for an answer that never comes.
const oscTimeout = 5 * time.Second

// On a terminal that never answers, no command asks it anything (issue 16
// item 1: bubbletea's package init sent OSC 11 and a cursor-position
// request, then waited 5 s), with colour on or off.
func TestNoTerminalQueries(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  []string
		code int
	}{
		{"version", []string{"version"}, nil, 0},
		{"version NO_COLOR", []string{"version"}, []string{"NO_COLOR=1"}, 0},
		{"help", []string{"--help"}, nil, 0},
		{"brand add", []string{"brand", "add", "--no-input", "--dir", dir, "--name", "acme",
			"--application-id", "app-1", "--client-id", "acme-app", "--issuer", "https://id.example.com/",
			"--jwks-uri", "https://id.example.com/jwks", "--userinfo-endpoint", "https://id.example.com/userinfo",
			"--map", "email=email"}, nil, 0},
		{"brand list", []string{"brand", "list", "--dir", dir}, nil, 0},
		{"config validate", []string{"config", "validate", "--dir", dir}, nil, 0},
		{"usage error", []string{"brand", "show"}, nil, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, c.args...)
			cmd.Env = terminalEnv(c.env...)
			term := ptytest.Start(t, cmd)
			start := time.Now()
			state, timedOut := term.Wait(30 * time.Second)
			took := time.Since(start)
			out := term.Output()
			if q := ptytest.Queries(out); len(q) > 0 {
				t.Errorf("asked the terminal %q; output:\n%q", q, out)
			}
			if timedOut || took >= oscTimeout {
				t.Errorf("took %v: waiting for the terminal to answer", took.Round(time.Millisecond))
			}
			if !timedOut && state.ExitCode() != c.code {
				t.Errorf("exit %d, want %d; output:\n%s", state.ExitCode(), c.code, out)
			}
		})
	}
}

// A form is the one place that asks the terminal (for its background
// colour, before the form takes over the keyboard), and it works with the
// answer. With colour off it asks nothing.
func TestFormAsksTheTerminalWhenShown(t *testing.T) {
	bin := binary(t)
	for _, noColor := range []bool{false, true} {
		t.Run(fmt.Sprintf("NO_COLOR=%v", noColor), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(bin, "brand", "add", "--dir", dir, "--name", "acme",
				"--application-id", "app-1", "--issuer", "https://id.example.com/", "--display-name", "Acme",
				"--jwks-uri", "https://id.example.com/jwks", "--userinfo-endpoint", "https://id.example.com/userinfo",
				"--map", "email=email")
			cmd.Env = terminalEnv()
			if noColor {
				cmd.Env = append(cmd.Env, "NO_COLOR=1")
			}
			term := ptytest.Start(t, cmd)
			if !noColor {
				if !term.WaitFor("\x1b]11;?", 10*time.Second) {
					t.Fatalf("the form did not ask for the background colour; output:\n%q", term.Output())
				}
				// An xterm's answers: the background colour, then the cursor position.
				term.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[1;1R"))
			}
			if !term.WaitFor("Client ID", 10*time.Second) {
				t.Fatalf("no Client ID field; output:\n%q", term.Output())
			}
			term.Write([]byte("acme-app\r"))
			if !term.WaitFor("Write", 10*time.Second) {
				t.Fatalf("no confirmation; output:\n%q", term.Output())
			}
			term.Write([]byte("\r"))
			state, timedOut := term.Wait(30 * time.Second)
			if timedOut || state.ExitCode() != 0 {
				t.Fatalf("exit %v (timed out %v); output:\n%q", state, timedOut, term.Output())
			}
			data, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
			if err != nil || !strings.Contains(string(data), "clientId: acme-app") {
				t.Fatalf("brand file: %v\n%s", err, data)
			}
			want := 1
			if noColor {
				want = 0
			}
			if n := strings.Count(term.Output(), "\x1b]11;?"); n != want {
				t.Errorf("asked for the background colour %d times, want %d", n, want)
			}
		})
	}
}
