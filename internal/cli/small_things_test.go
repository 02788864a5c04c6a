package cli_test

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// Issue 16 item 11: the small things a user noticed.

// customer lookup -o json answers {"found": false, ...} for a cuid nobody
// has (exit 1, as in text, without an error line).
func TestCustomerLookupNotFoundJSON(t *testing.T) {
	p := newPlatform(t)
	p.link()
	res := p.run("customer", "lookup", "--brand", "acme", "--cuid", "00000000-0000-4000-8000-000000000000", "-o", "json")
	expectCode(t, res, 1)
	if res.Stderr != "" {
		t.Errorf("stderr %q", res.Stderr)
	}
	clitest.Golden(t, "customer/lookup-not-found.json", res.Stdout)
	var out map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil || out["found"] != false {
		t.Errorf("not a found:false object: %v %s", err, res.Stdout)
	}
}

// The env file also carries the CIAM's issuer and client ID, and is gone
// once the sandbox stops.
func TestSandboxEnvFileLifetime(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	cmd := ciamctl("sandbox", "--env-file", envFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	// The text output ends with the suggestions; the file is written before it.
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Then try") {
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"export CIAMCTL_CIAM_ISSUER=http://127.0.0.1:", "export CIAMCTL_CIAM_CLIENT_ID=", "export CIAMCTL_INTOUCH_URL="} {
		if !strings.Contains(string(env), want) {
			t.Errorf("env file lacks %q:\n%s", want, env)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("sandbox did not stop")
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Errorf("env file still there after the sandbox stopped: %v", err)
	}
}

// A port in use is the machine's state, not a usage error: exit 3.
func TestSandboxPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	res := clitest.Run(t, clitest.Opts{}, "sandbox", "--addr", addr)
	if res.Code != 3 || !strings.Contains(res.Stderr, "address already in use") || !strings.Contains(res.Stderr, "--addr "+addr) {
		t.Errorf("exit %d, stderr %q", res.Code, res.Stderr)
	}
	if res := clitest.Run(t, clitest.Opts{}, "sandbox", "--addr", "10.1.2.3:0"); res.Code != 2 {
		t.Errorf("a non-loopback address: exit %d, want 2", res.Code)
	}
}

// demo --user must name a seeded user, checked before step 1.
func TestDemoUnknownUser(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{}, "demo", "--user", "carol")
	if res.Code != 2 || res.Stdout != "" {
		t.Fatalf("exit %d, stdout %q", res.Code, res.Stdout)
	}
	clitest.Golden(t, "demo/unknown-user.txt", res.Stderr)
}

// Clearer words: an empty workspace names itself as a directory and says
// how to choose another; a file whose brand: differs from its name is named
// when that brand is asked for.
func TestWorkspaceWording(t *testing.T) {
	empty := t.TempDir()
	res := clitest.Run(t, clitest.Opts{}, "brand", "list", "--dir", empty)
	if res.Code != 0 || res.Stdout != "" {
		t.Fatalf("exit %d, stdout %q", res.Code, res.Stdout)
	}
	clitest.Golden(t, "brand/list-empty.txt", strings.ReplaceAll(res.Stderr, empty, "$WS"))

	ws := t.TempDir()
	src := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "invalid", "name-mismatch.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "name-mismatch.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	show := clitest.Run(t, clitest.Opts{}, "brand", "show", "some-other-brand", "--dir", ws)
	if show.Code != 2 {
		t.Fatalf("exit %d", show.Code)
	}
	clitest.Golden(t, "brand/show-name-mismatch.txt", strings.ReplaceAll(show.Stderr, ws, "$WS"))
}

// --map phone=... suggests mobile; so does a brand file's mappings.phone.
func TestMapFieldSuggestions(t *testing.T) {
	ws := t.TempDir()
	args := brandArgs(ws, "acme", "acme-app", "--map", "phone=phone_number")
	res := clitest.Run(t, clitest.Opts{}, args...)
	if res.Code != 2 || !strings.Contains(res.Stderr, `did you mean --map mobile=phone_number?`) {
		t.Errorf("--map phone: exit %d, stderr %q", res.Code, res.Stderr)
	}
	res = clitest.Run(t, clitest.Opts{}, append(brandArgs(ws, "acme", "acme-app"), "--map", "First_Name=given_name")...)
	if res.Code != 2 || !strings.Contains(res.Stderr, `did you mean --map firstname=given_name?`) {
		t.Errorf("--map First_Name: exit %d, stderr %q", res.Code, res.Stderr)
	}
	file := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "invalid", "unknown-mapping-field.yaml")
	res = clitest.Run(t, clitest.Opts{}, "config", "validate", file)
	if res.Code != 1 || !strings.Contains(res.Stdout, `mappings.phone: unknown field; did you mean "mobile"?`) {
		t.Errorf("validate: exit %d, stdout %q", res.Code, res.Stdout)
	}
}

// CIAMCTL_INTOUCH_URL=mars (not a URL, not a preset) lists the presets; the
// https message names every loopback form http is allowed for.
func TestIntouchURLMessages(t *testing.T) {
	env := map[string]string{"CIAMCTL_INTOUCH_URL": "mars", "CIAMCTL_INTOUCH_ORG_ID": "50123",
		"CIAMCTL_INTOUCH_USERNAME": "till", "CIAMCTL_INTOUCH_PASSWORD": "pw"}
	res := clitest.Run(t, clitest.Opts{Env: env}, "channel", "list")
	if res.Code != 2 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	clitest.Golden(t, "channel/intouch-url-mars.txt", res.Stderr)
	flag := clitest.Run(t, clitest.Opts{Env: env}, "channel", "list", "--intouch-url", "mars")
	if flag.Code != 2 || !strings.Contains(flag.Stderr, "for a cluster preset use --cluster (apac, apac2, china, eu, india, us)") {
		t.Errorf("--intouch-url mars: exit %d, stderr %q", flag.Code, flag.Stderr)
	}
	env["CIAMCTL_INTOUCH_URL"] = "http://platform.example.com"
	plain := clitest.Run(t, clitest.Opts{Env: env}, "channel", "list")
	if plain.Code != 2 || !strings.Contains(plain.Stderr, "http is allowed only for localhost, 127.0.0.0/8 and ::1") {
		t.Errorf("http: exit %d, stderr %q", plain.Code, plain.Stderr)
	}
	ws := t.TempDir()
	add := clitest.Run(t, clitest.Opts{}, "brand", "add", "--no-input", "--dir", ws, "--name", "acme", "--application-id", "a",
		"--client-id", "c", "--jwks-uri", "http://id.example.com/jwks", "--userinfo-endpoint", "https://id.example.com/userinfo")
	if add.Code != 2 || !strings.Contains(add.Stderr, "http is allowed only for localhost, 127.0.0.0/8 and ::1") {
		t.Errorf("brand add: exit %d, stderr %q", add.Code, add.Stderr)
	}
}
