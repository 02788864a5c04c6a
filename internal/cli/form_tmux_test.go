package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession runs the real ciamctl (this test binary, see TestMain) in a
// private tmux server, so a test can type into the full-screen form as a
// person at a terminal does. Skipped where tmux is not installed.
type tmuxSession struct {
	t    *testing.T
	sock string
	done string
}

func startTmux(t *testing.T, args ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install -y tmux)")
	}
	tmp := t.TempDir()
	s := &tmuxSession{t: t, sock: filepath.Join(tmp, "tmux.sock"), done: filepath.Join(tmp, "exit")}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	script := "CIAMCTL_TEST_BE_MAIN=1 NO_COLOR=1 '" + os.Args[0] + "' " + strings.Join(quoted, " ") + " 2>&1; echo $? > '" + s.done + "'; sleep 60"
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "60", "sh", "-c", script)
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "t") }

// waitFor waits for text on the screen (a bound for a stuck form, not a timing assertion).
func (s *tmuxSession) waitFor(text string) {
	s.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(s.screen(), text) {
			return
		}
	}
	s.t.Fatalf("%q never showed; the screen:\n%s", text, s.screen())
}

// exitCode waits for the command to end.
func (s *tmuxSession) exitCode() string {
	s.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(s.done); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
	}
	s.t.Fatalf("the command never ended; the screen:\n%s", s.screen())
	return ""
}

// Keys typed (one write to the terminal) or pasted across Enter land in the
// field they were meant for: huh moves the focus asynchronously, and
// `acme⏎app-1` typed fast used to become the brand name "acmeapp-1".
func TestBrandAddFormKeepsUpWithTyping(t *testing.T) {
	answers := []string{"acme", "app-1", "client-1", "https://id.acme.example/jwks", "https://id.acme.example/userinfo",
		"Acme Loyalty", "https://id.acme.example/", "", "", ""}
	t.Run("typed", func(t *testing.T) {
		dir := t.TempDir()
		s := startTmux(t, "brand", "add", "--dir", dir)
		s.waitFor("Brand name")
		// One send-keys: tmux writes all of it to the terminal at once. Text
		// that is no key name is sent as it is.
		keys := []string{"send-keys", "-t", "t"}
		for _, a := range answers {
			if a != "" {
				keys = append(keys, a)
			}
			keys = append(keys, "Enter")
		}
		// The email claim: clear the default (Ctrl-U), type another.
		keys = append(keys, "C-u", "/contact/email", "Enter")
		s.tmux(keys...)
		checkTypedBrand(t, s, dir, "email: /contact/email\n")
	})
	t.Run("pasted", func(t *testing.T) {
		dir := t.TempDir()
		s := startTmux(t, "brand", "add", "--dir", dir)
		s.waitFor("Brand name")
		s.tmux("set-buffer", strings.Join(answers, "\n")+"\n\n")
		s.tmux("paste-buffer", "-p", "-t", "t") // -p: bracketed paste, as terminals paste
		checkTypedBrand(t, s, dir, "email: email\n")
	})
}

func checkTypedBrand(t *testing.T, s *tmuxSession, dir, email string) {
	t.Helper()
	s.waitFor("as it will be written")
	screen := s.screen()
	s.tmux("send-keys", "-t", "t", "Enter") // Write
	if code := s.exitCode(); code != "0" {
		t.Fatalf("exit %s; the screen:\n%s", code, s.screen())
	}
	data, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if err != nil {
		t.Fatalf("%v; the screen before writing:\n%s", err, screen)
	}
	for _, want := range []string{"brand: acme\n", "displayName: Acme Loyalty\n", "applicationId: app-1\n", "clientId: client-1\n",
		"jwksUri: https://id.acme.example/jwks\n", "issuer: https://id.acme.example/\n", "firstname: given_name\n", email} {
		if !strings.Contains(string(data), want) {
			t.Errorf("file lacks %q:\n%s", want, data)
		}
	}
}
