package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/profile"
)

// Twenty ciamctl processes logging in to twenty profiles at once (a
// provisioning script's loop run in parallel): every profile and every
// secret lands. --insecure-storage keeps real processes off any real
// keychain of the machine, and makes every one of them rewrite both files.
func TestConcurrentAuthLoginProcesses(t *testing.T) {
	emu := intouchemu.New(intouchemu.Options{})
	url, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	o := emu.Options()
	cfgDir := filepath.Join(t.TempDir(), "ciamctl")
	const n = 20
	var wg sync.WaitGroup
	outs := make([][]byte, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			cmd := ciamctl("auth", "login", "--profile", fmt.Sprintf("p%02d", i), "--intouch-url", url, "--org-id", o.OrgID,
				"--client-key", o.ClientKey, "--with-secret", "--insecure-storage")
			cmd.Env = append(cmd.Env, "CIAMCTL_CONFIG_DIR="+cfgDir)
			cmd.Stdin = strings.NewReader(o.ClientSecret)
			outs[i], errs[i] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v: %s", i, err, outs[i])
		}
	}
	s := &profile.Store{Dir: cfgDir}
	cfg, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Profiles) != n {
		t.Errorf("%d profiles stored, want %d: %v", len(cfg.Profiles), n, cfg.Names())
	}
	for _, p := range cfg.List() {
		if sec, err := s.Secret(t.Context(), p); err != nil || sec != o.ClientSecret {
			t.Errorf("%s: secret %v", p.Name, err)
		}
	}
	if entries, _ := os.ReadDir(cfgDir); len(entries) > 3 {
		t.Errorf("left in the config directory: %v", entries)
	}
}
