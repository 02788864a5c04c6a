package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// Twenty processes at once on one workspace: ten add new brands while ten
// link existing ones, six of them the same brand. Nothing is lost, every
// file is complete and valid, and the org got exactly one OAUTH_EXTERNAL
// account (the org's account serves all its brands), which every linked
// brand records: without the lock around find-or-create, racing first links
// would each create one.
func TestConcurrentAddAndLinkProcesses(t *testing.T) {
	emu := intouchemu.New(intouchemu.Options{})
	url, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	env := emu.Env(url, false)

	dir := t.TempDir()
	for i := range 5 {
		if out, err := ciamctl(brandArgs(dir, fmt.Sprintf("linked-%d", i), "client")...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}

	var cmds [][]string
	for i := range 10 {
		cmds = append(cmds, brandArgs(dir, fmt.Sprintf("added-%02d", i), "client"))
	}
	for i := range 5 {
		cmds = append(cmds, []string{"channel", "link", "--dir", dir, "--brand", fmt.Sprintf("linked-%d", i)})
		cmds = append(cmds, []string{"channel", "link", "--dir", dir, "--brand", "linked-0"})
	}
	var wg sync.WaitGroup
	outs := make([][]byte, len(cmds))
	errs := make([]error, len(cmds))
	for i, args := range cmds {
		wg.Go(func() {
			c := ciamctl(args...)
			c.Env = append(c.Env, env...)
			outs[i], errs[i] = c.CombinedOutput()
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("%v: %v: %s", cmds[i], err, outs[i])
		}
	}

	res := clitest.Run(t, clitest.Opts{}, "config", "validate", "--dir", dir)
	if res.Code != 0 || !strings.Contains(res.Stdout, "15 brand files valid") {
		t.Fatalf("after the concurrent run: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	for i := range 5 {
		name := fmt.Sprintf("linked-%d", i)
		data, err := os.ReadFile(filepath.Join(dir, name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, problems := brand.Decode(data)
		if brand.HasErrors(problems) || cfg.Channel == nil || cfg.Channel.AccountID == "" {
			t.Errorf("%s: channel not recorded: %+v %v", name, cfg.Channel, problems)
		}
	}
	perID := map[string]int{}
	for _, s := range emu.Sources() {
		if strings.EqualFold(s.SourceTypeName, "OAUTH_EXTERNAL") {
			perID[s.SourceAccountIdentifier]++
		}
	}
	if len(perID) != 1 {
		t.Errorf("want one OAUTH_EXTERNAL account for the org; got %v", perID)
	}
	for id, n := range perID {
		if n != 1 {
			t.Errorf("account %s created %d times", id, n)
		}
	}
	if n := emu.Count(intouchemu.RouteCreateSource); n != 1 {
		t.Errorf("%d create calls, want 1", n)
	}
}

// An unwritable workspace is exit 3 with a message naming the path, and
// leaves what is there untouched.
func TestUnwritableWorkspace(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "not-a-dir")
	if err := os.WriteFile(blocker, []byte("a file where the workspace should be\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := clitest.Run(t, clitest.Opts{}, brandArgs(blocker, "acme", "client")...)
	if res.Code != 3 || !strings.Contains(res.Stderr, blocker) || strings.Count(strings.TrimSpace(res.Stderr), "\n") > 1 {
		t.Errorf("workspace is a file: exit %d, stderr %q", res.Code, res.Stderr)
	}
	if data, _ := os.ReadFile(blocker); string(data) != "a file where the workspace should be\n" {
		t.Error("the file in the way was changed")
	}
}

// makeReadOnly makes dir refuse new files, for root too (chattr +i), and
// undoes it at cleanup. It skips the test where neither way works.
func makeReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if probeWritable(dir) && os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err == nil {
			t.Cleanup(func() { _ = exec.Command("chattr", "-i", dir).Run() })
		} else {
			t.Logf("chattr: %v %s", err, out)
		}
	}
	if probeWritable(dir) {
		t.Skip("cannot make a directory read-only here")
	}
}

func probeWritable(dir string) bool {
	f, err := os.CreateTemp(dir, "probe-")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// A read-only workspace: adding and replacing brands are exit 3 with one
// line naming the path, and the existing file is left exactly as it was.
func TestReadOnlyWorkspace(t *testing.T) {
	dir := t.TempDir()
	if res := clitest.Run(t, clitest.Opts{}, brandArgs(dir, "acme", "client-1")...); res.Code != 0 {
		t.Fatalf("setup: %s", res.Stderr)
	}
	before, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	makeReadOnly(t, dir)
	for _, args := range [][]string{
		brandArgs(dir, "other", "client"),
		brandArgs(dir, "acme", "client-2", "--force"),
	} {
		res := clitest.Run(t, clitest.Opts{}, args...)
		if res.Code != 3 || !strings.Contains(res.Stderr, dir) || strings.Count(strings.TrimSpace(res.Stderr), "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q", args[:4], res.Code, res.Stderr)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if string(after) != string(before) {
		t.Error("the existing brand file changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "other.yaml")); err == nil {
		t.Error("a file was created in a read-only workspace")
	}
}

// A full disk: the write fails with exit 3 and a one-line message, the
// previous file is intact and no temporary file is left. It needs a tiny
// tmpfs, so it runs only where mounting one is allowed (root on Linux).
func TestFullWorkspace(t *testing.T) {
	dir := t.TempDir()
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).Run(); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	if res := clitest.Run(t, clitest.Opts{}, brandArgs(dir, "acme", "client-1")...); res.Code != 0 {
		t.Fatalf("setup: %s", res.Stderr)
	}
	before, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Fill what is left.
	fill, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fill.Write(make([]byte, 1<<20))
	fill.Close()

	res := clitest.Run(t, clitest.Opts{}, brandArgs(dir, "acme", "client-2-with-a-longer-client-id-than-before", "--force")...)
	if res.Code != 3 || !strings.Contains(res.Stderr, "no space left on device") || strings.Count(strings.TrimSpace(res.Stderr), "\n") > 1 {
		t.Errorf("full workspace: exit %d, stderr %q", res.Code, res.Stderr)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "acme.yaml"))
	if string(after) != string(before) {
		t.Error("the existing brand file changed")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "acme.yaml" && n != "fill" && n != ".ciamctl.lock" {
			t.Errorf("left behind: %s", n)
		}
	}
}
