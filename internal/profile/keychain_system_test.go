//go:build linux

package profile_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/profile"
)

// Without a D-Bus session bus the system keychain says so at once and never
// runs dbus-launch (which godbus would, leaving a bus daemon running in CI
// and containers). A dbus-launch on PATH records being run.
func TestSystemKeychainWithoutSessionBus(t *testing.T) {
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this machine has a user session bus")
	}
	bin := t.TempDir()
	marker := filepath.Join(bin, "ran")
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := profile.SystemKeychain{}.Set(ctx, profile.KeychainService, "test", "value")
	var unavailable *profile.UnavailableError
	if !errors.As(err, &unavailable) || !strings.Contains(unavailable.Reason, "D-Bus") {
		t.Fatalf("Set: %v, want an UnavailableError about D-Bus", err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("dbus-launch was run")
	}
}

// The real Secret Service: a private D-Bus session with gnome-keyring-daemon
// on it (Debian: dbus, gnome-keyring). Skipped where they are not installed.
func TestSystemKeychainSecretService(t *testing.T) {
	daemon, err1 := exec.LookPath("dbus-daemon")
	keyring, err2 := exec.LookPath("gnome-keyring-daemon")
	if err1 != nil || err2 != nil {
		t.Skip("needs dbus-daemon and gnome-keyring-daemon (apt-get install dbus gnome-keyring)")
	}
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_RUNTIME_DIR="+home)

	// A session bus that activates nothing: a call made before the daemon
	// below owns its name fails at once instead of starting another
	// (locked) keyring daemon from the system's service files.
	conf := filepath.Join(home, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+home+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	bus := exec.Command(daemon, "--config-file="+conf, "--nofork", "--print-address=1")
	bus.Env = env
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Process.Kill(); _ = bus.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	addr = strings.TrimSpace(addr)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)

	// --unlock creates and unlocks the login keyring with the password on stdin.
	kr := exec.Command(keyring, "--foreground", "--unlock", "--components=secrets")
	kr.Env = append(env, "DBUS_SESSION_BUS_ADDRESS="+addr)
	kr.Stdin = strings.NewReader("test-keyring-password")
	if err := kr.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kr.Process.Kill(); _ = kr.Wait() })

	kc := profile.SystemKeychain{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Wait for the daemon to take its name on the bus.
	for {
		_, err := kc.Get(ctx, profile.KeychainService, "nobody")
		if errors.Is(err, profile.ErrItemNotFound) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the Secret Service did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	s := &profile.Store{Dir: t.TempDir(), Keychain: kc}
	p := euProfile("eu-50123")
	saved, err := s.Save(ctx, p, secret)
	if err != nil || saved.Fallback != "" {
		t.Fatalf("Save: %+v %v", saved, err)
	}
	if _, err := os.Stat(s.SecretsPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a secrets file was written although the keychain works")
	}
	got, err := s.Secret(ctx, p)
	if err != nil || got != secret {
		t.Fatalf("Secret = %q, %v", got, err)
	}
	// The item is where other tools find it: service and account attributes.
	if tool, err := exec.LookPath("secret-tool"); err == nil {
		c := exec.CommandContext(ctx, tool, "lookup", "service", profile.KeychainService, "username", "eu-50123")
		c.Env = append(env, "DBUS_SESSION_BUS_ADDRESS="+addr)
		if b, err := c.Output(); err != nil || string(b) != secret {
			t.Errorf("secret-tool lookup: %q %v", b, err)
		}
	}
	if _, err := s.Remove(ctx, "eu-50123"); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Get(ctx, profile.KeychainService, "eu-50123"); !errors.Is(err, profile.ErrItemNotFound) {
		t.Errorf("after Remove, Get: %v", err)
	}
}
