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
		{"version CI empty", []string{"version"}, []string{"CI="}, 0}, // set but empty: termenv does not count it
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

// addBrand writes a brand with the real binary, without a terminal.
func addBrand(t *testing.T, bin, dir, name, provider string) {
	t.Helper()
	cmd := exec.Command(bin, "brand", "add", "--no-input", "--dir", dir, "--name", name,
		"--application-id", "app-1", "--client-id", name+"-app", "--issuer", "https://id.example.com/",
		"--jwks-uri", "https://id.example.com/jwks", "--userinfo-endpoint", "https://id.example.com/userinfo",
		"--map", "email=email", "--provider", provider)
	cmd.Env = terminalEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("brand add: %v\n%s", err, out)
	}
}

// brand list on a terminal is coloured and aligned as without colour;
// CLICOLOR_FORCE=1 and FORCE_COLOR=1 colour it through a pipe, even with
// NO_COLOR set (as gh); --no-color beats them all (issue 16 item 2).
func TestColourOnTerminalAndForced(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	addBrand(t, bin, dir, "acme", "nextreason")
	addBrand(t, bin, dir, "zeta", "認証サービス")
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("brand: broken\nnope: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	piped := func(env []string, args ...string) string {
		cmd := exec.Command(bin, append([]string{"brand", "list", "--dir", dir}, args...)...)
		cmd.Env = terminalEnv(env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("brand list %v: %v", env, err)
		}
		return string(out)
	}
	plain := piped(nil)
	if strings.Contains(plain, "\x1b") {
		t.Fatalf("colour through a pipe: %q", plain)
	}

	cmd := exec.Command(bin, "brand", "list", "--dir", dir)
	cmd.Env = terminalEnv()
	term := ptytest.Start(t, cmd)
	if _, timedOut := term.Wait(30 * time.Second); timedOut {
		t.Fatal("brand list did not finish")
	}
	onTerminal := strings.ReplaceAll(term.Output(), "\r\n", "\n") // the terminal's line discipline
	for name, out := range map[string]string{
		"terminal":                 onTerminal,
		"CLICOLOR_FORCE=1":         piped([]string{"CLICOLOR_FORCE=1"}),
		"FORCE_COLOR=1":            piped([]string{"FORCE_COLOR=1"}),
		"CLICOLOR_FORCE, NO_COLOR": piped([]string{"CLICOLOR_FORCE=1", "NO_COLOR=1"}),
	} {
		if !strings.Contains(out, "\x1b[1mBRAND") || !strings.Contains(out, "\x1b[31minvalid") {
			t.Errorf("%s: no colour: %q", name, out)
		}
		if got := stripSGR(out); got != plain {
			t.Errorf("%s: columns moved by colour:\n%s\nwithout colour:\n%s", name, got, plain)
		}
	}
	if out := piped([]string{"CLICOLOR_FORCE=1"}, "--no-color"); out != plain {
		t.Errorf("--no-color with CLICOLOR_FORCE=1: %q", out)
	}
}

// stripSGR removes colour sequences (CSI ... m).
func stripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
