package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/ptytest"
)

// hangingServer accepts requests and never answers them; arrived receives
// each request's path.
func hangingServer(t *testing.T) (url string, arrived <-chan string) {
	t.Helper()
	ch := make(chan string, 16)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch <- r.URL.Path
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL, ch
}

// Ctrl-C on the terminal mid-way through a network call, or while a
// command waits for stdin, ends it with "interrupted" and exit 130, never
// with a remote failure and its hint (issue 16 item 3). channel list winds
// down through its context; jwks inspect and config validate end at once.
func TestCtrlCInterrupts(t *testing.T) {
	bin := binary(t)
	url, arrived := hangingServer(t)
	dir := t.TempDir()
	addBrand(t, bin, dir, "acme", "nextreason")
	intouch := []string{"CIAMCTL_INTOUCH_URL=" + url, "CIAMCTL_INTOUCH_ORG_ID=50123",
		"CIAMCTL_INTOUCH_USERNAME=till", "CIAMCTL_INTOUCH_PASSWORD=secret"}
	for _, c := range []struct {
		name    string
		args    []string
		env     []string
		network bool
	}{
		{"jwks inspect", []string{"jwks", "inspect", url + "/jwks"}, nil, true},
		{"channel list", []string{"channel", "list"}, intouch, true},
		{"doctor", []string{"doctor", "--brand", "acme", "--dir", dir}, intouch, true},
		{"token verify on stdin", []string{"token", "verify", "--jwks", url + "/jwks", "--issuer", "https://id.example.com/", "--audience", "acme-app", "-"}, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, c.args...)
			cmd.Env = terminalEnv(append(c.env, "NO_COLOR=1")...)
			term := ptytest.Start(t, cmd)
			if c.network {
				select {
				case <-arrived:
				case <-time.After(20 * time.Second):
					t.Fatalf("no request reached the server; output:\n%s", term.Output())
				}
			} else if !readingStdin(cmd.Process.Pid, 20*time.Second) {
				t.Fatalf("not reading stdin; output:\n%s", term.Output())
			}
			term.Write([]byte{3}) // Ctrl-C: the terminal sends SIGINT to the foreground group
			state, timedOut := term.Wait(20 * time.Second)
			if timedOut {
				t.Fatalf("still running after Ctrl-C; output:\n%s", term.Output())
			}
			out := term.Output()
			if code := state.ExitCode(); code != 130 {
				t.Errorf("exit %d (%v), want 130; output:\n%s", code, state, out)
			}
			if !strings.Contains(out, "interrupted") {
				t.Errorf("no \"interrupted\"; output:\n%s", out)
			}
			for _, bad := range []string{"error:", "hint:", "unreachable", "timeout", "context canceled"} {
				if strings.Contains(out, bad) {
					t.Errorf("output has %q:\n%s", bad, out)
				}
			}
			for len(arrived) > 0 { // doctor makes more than one request
				<-arrived
			}
		})
	}
}

// SIGTERM mid-request ends a command the same way, as "terminated" with
// exit 143 (128 + SIGTERM).
func TestSIGTERMTerminates(t *testing.T) {
	bin := binary(t)
	url, arrived := hangingServer(t)
	intouch := []string{"CIAMCTL_INTOUCH_URL=" + url, "CIAMCTL_INTOUCH_ORG_ID=50123",
		"CIAMCTL_INTOUCH_USERNAME=till", "CIAMCTL_INTOUCH_PASSWORD=secret"}
	for _, c := range []struct {
		name string
		args []string
		env  []string
	}{
		{"jwks inspect", []string{"jwks", "inspect", url + "/jwks"}, nil},
		{"channel list", []string{"channel", "list"}, intouch},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, c.args...)
			cmd.Env = terminalEnv(append(c.env, "NO_COLOR=1")...)
			term := ptytest.Start(t, cmd)
			select {
			case <-arrived:
			case <-time.After(20 * time.Second):
				t.Fatalf("no request reached the server; output:\n%s", term.Output())
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			state, timedOut := term.Wait(20 * time.Second)
			if timedOut {
				t.Fatalf("still running after SIGTERM; output:\n%s", term.Output())
			}
			out := term.Output()
			if state.ExitCode() != 143 || !strings.Contains(out, "terminated") || strings.Contains(out, "error:") {
				t.Errorf("exit %d (%v); output:\n%s", state.ExitCode(), state, out)
			}
		})
	}
}

// readingStdin waits until a thread of process pid is blocked in read(0,
// …), from /proc/PID/task/*/syscall (Linux; the pty tests run only there).
func readingStdin(pid int, timeout time.Duration) bool {
	nr := map[string]string{"amd64": "0", "arm64": "63", "386": "3", "arm": "3", "riscv64": "63", "ppc64le": "3", "s390x": "3"}[runtime.GOARCH]
	if nr == "" {
		time.Sleep(time.Second) // unknown syscall numbers: give it time instead
		return true
	}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/syscall", pid))
		for _, task := range tasks {
			b, err := os.ReadFile(task)
			if os.IsPermission(err) { // no ptrace access here: give it time instead
				time.Sleep(time.Second)
				return true
			}
			if f := strings.Fields(string(b)); err == nil && len(f) > 1 && f[0] == nr && f[1] == "0x0" {
				return true
			}
		}
	}
	return false
}
