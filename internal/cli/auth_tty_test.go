package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/profile"
)

// auth login on a real terminal (tmux): the client key is asked for and
// shown as typed, the secret is asked for and never echoed, and the profile
// is stored. The process is ciamctl's real main path (the test binary);
// --insecure-storage keeps it away from any real keychain of the machine.
func TestAuthLoginPromptsOnTerminal(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("needs tmux")
	}
	emu := intouchemu.New(intouchemu.Options{ClientSecret: "tty-Secret-Never-Echoed-7"})
	url, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	dir := t.TempDir()
	cfgDir := filepath.Join(dir, "config")
	script := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(`#!/bin/sh
export CIAMCTL_TEST_BE_MAIN=1 CIAMCTL_CONFIG_DIR=%q DBUS_SESSION_BUS_ADDRESS= TERM=xterm-256color
%q auth login --intouch-url %q --org-id 50123 --insecure-storage
echo "EXIT=$?"
sleep 60
`, cfgDir, os.Args[0], url)), 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "tmux.sock") // a server of its own, gone with the directory
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	tm("new-session", "-d", "-x", "120", "-y", "30", script)
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })
	screen := func() string { return tm("capture-pane", "-p", "-S", "-") }
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			s := screen()
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited for %q; the screen:\n%s", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("Client key")
	tm("send-keys", "-l", "emu-client-key")
	waitFor("emu-client-key") // the key is echoed as typed
	tm("send-keys", "Enter")
	// Focus moves to the secret field asynchronously: wait until the key
	// field no longer has it (its value is shown without a cursor line).
	time.Sleep(500 * time.Millisecond)
	tm("send-keys", "-l", "tty-Secret-Never-Echoed-7")
	time.Sleep(200 * time.Millisecond)
	if s := screen(); strings.Contains(s, "tty-Secret") {
		t.Fatalf("the secret is echoed while typed:\n%s", s)
	}
	tm("send-keys", "Enter")
	s := waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, `Logged in to `+url+` for org 50123`) {
		t.Fatalf("login did not succeed:\n%s", s)
	}
	if strings.Contains(s, "tty-Secret") {
		t.Fatalf("the secret appears on the screen:\n%s", s)
	}
	b, err := os.ReadFile(filepath.Join(cfgDir, profile.SecretsFile))
	if err != nil || !strings.Contains(string(b), "tty-Secret-Never-Echoed-7") {
		t.Fatalf("the secret was not stored: %v", err)
	}
	cfg, _ := os.ReadFile(filepath.Join(cfgDir, profile.ConfigFile))
	if !strings.Contains(string(cfg), "clientKey: emu-client-key") {
		t.Fatalf("profiles.yaml:\n%s", cfg)
	}
}
