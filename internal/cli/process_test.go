package cli_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli"
	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// The test binary doubles as ciamctl, so these tests run real processes
// through the real main path.
func TestMain(m *testing.M) {
	if os.Getenv("CIAMCTL_TEST_BE_MAIN") == "1" {
		os.Exit(cli.Main())
	}
	os.Exit(m.Run())
}

func ciamctl(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CIAMCTL_TEST_BE_MAIN=1", "NO_COLOR=1")
	return cmd
}

func brandArgs(dir, name, clientID string, extra ...string) []string {
	args := []string{"brand", "add", "--no-input", "--dir", dir, "--name", name,
		"--application-id", "app-" + name, "--client-id", clientID,
		"--issuer", "https://id.example.com/",
		"--jwks-uri", "https://id.example.com/jwks", "--userinfo-endpoint", "https://id.example.com/userinfo",
		"--map", "email=email"}
	return append(args, extra...)
}

// Twenty processes adding different brands to one workspace at once: every
// brand lands, complete and valid.
func TestConcurrentBrandAddProcesses(t *testing.T) {
	dir := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([][]byte, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = ciamctl(brandArgs(dir, fmt.Sprintf("brand-%02d", i), "client")...).CombinedOutput()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v: %s", i, err, outs[i])
		}
	}
	res := clitest.Run(t, clitest.Opts{}, "config", "validate", "--dir", dir)
	if res.Code != 0 || !strings.Contains(res.Stdout, fmt.Sprintf("%d brand files valid", n)) {
		t.Fatalf("after concurrent adds: exit %d %s", res.Code, res.Stdout)
	}
}

// Concurrent overwrites of one brand, some killed at random moments: the file
// is always one complete version, never a mix or a truncation.
func TestKilledAndConcurrentWritesNeverCorrupt(t *testing.T) {
	dir := t.TempDir()
	if out, err := ciamctl(brandArgs(dir, "acme", "client-0")...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 6 {
		var cmds []*exec.Cmd
		for i := range 4 {
			cmd := ciamctl(brandArgs(dir, "acme", fmt.Sprintf("client-%d-%d", round, i), "--force")...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		cmds[0].Process.Kill()
		cmds[1].Process.Kill()
		for _, c := range cmds {
			_ = c.Wait()
		}
		data, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "clientId: client-") || !strings.HasSuffix(string(data), "email: email\n") {
			t.Fatalf("round %d: torn file:\n%s", round, data)
		}
		res := clitest.Run(t, clitest.Opts{}, "config", "validate", "--dir", dir)
		if res.Code != 0 {
			t.Fatalf("round %d: invalid after kills: %s", round, res.Stdout)
		}
	}
}

func TestProcessExitCodes(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"config", "validate", "--dir", dir}, 2},
		{[]string{"brand", "add", "--name", "acme"}, 2},
		{[]string{"nonsense"}, 2},
	}
	for _, c := range cases {
		cmd := ciamctl(c.args...)
		cmd.Stdin = strings.NewReader("") // not a terminal: never prompts
		out, _ := cmd.CombinedOutput()
		if got := cmd.ProcessState.ExitCode(); got != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, got, c.code, out)
		}
		if strings.Contains(string(out), "\x1b[") {
			t.Errorf("%v: colour escapes without a terminal: %q", c.args, out)
		}
	}
}
