package cli_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/cli/sandboxcmd"
)

// A real sandbox process: it prints where it listens, serves discovery and
// tokens there, writes the env file, and stops cleanly on SIGTERM.
func TestSandboxServesUntilSignalled(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	cmd := ciamctl("sandbox", "-o", "json", "--env-file", envFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	var info sandboxcmd.Info
	if err := json.NewDecoder(stdout).Decode(&info); err != nil {
		t.Fatalf("reading the sandbox's description: %v (stderr: %s)", err, stderr.String())
	}

	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, info.CIAM.Discovery, &disc)
	if disc.Issuer != info.CIAM.Issuer || disc.JWKSURI != info.CIAM.JWKSURI {
		t.Errorf("discovery = %+v, sandbox said issuer %s jwks %s", disc, info.CIAM.Issuer, info.CIAM.JWKSURI)
	}
	res, err := http.PostForm(info.CIAM.Token, url.Values{
		"grant_type": {"password"}, "username": {"alice"}, "password": {info.CIAM.UserPassword},
		"client_id": {info.CIAM.ClientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		IDToken string `json:"id_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if res.StatusCode != 200 || strings.Count(tok.IDToken, ".") != 2 {
		t.Errorf("token endpoint: status %d, id_token %q", res.StatusCode, tok.IDToken)
	}

	// The admin API the sandbox prints changes a user, so the next sign-in carries the new claims.
	req, _ := http.NewRequest("PATCH", info.CIAM.AdminUsers+"/alice", strings.NewReader(`{"phone_number":"+44 7700 900123"}`))
	req.Header.Set("Authorization", "Bearer "+info.CIAM.AdminToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("admin API: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	res, err = http.PostForm(info.CIAM.Token, url.Values{
		"grant_type": {"password"}, "username": {"alice"}, "password": {info.CIAM.UserPassword},
		"client_id": {info.CIAM.ClientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if claims := decodeClaims(t, tok.IDToken); claims["phone_number"] != "+44 7700 900123" {
		t.Errorf("after the admin change the ID token carries %v", claims["phone_number"])
	}
	if info.CIAM.EndSession != info.CIAM.Issuer+"/logout" || info.CIAM.Revocation != info.CIAM.Issuer+"/oauth/revoke" {
		t.Errorf("session endpoints: %+v", info.CIAM)
	}

	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"export CIAMCTL_INTOUCH_URL=" + info.Intouch.URL, "export CIAMCTL_INTOUCH_ORG_ID=50123", "export CIAMCTL_INTOUCH_CLIENT_KEY="} {
		if !strings.Contains(string(env), want+"") {
			t.Errorf("env file lacks %q:\n%s", want, env)
		}
	}
	if st, err := os.Stat(envFile); err == nil && st.Mode().Perm()&0o077 != 0 && os.PathSeparator == '/' {
		t.Errorf("env file mode %v: it holds credentials and must be private", st.Mode().Perm())
	}

	// The printed issuer is what brand add --discover accepts.
	dir := t.TempDir()
	add := clitest.Run(t, clitest.Opts{}, "brand", "add", "--dir", dir, "--no-input", "--name", "sandbox",
		"--application-id", "sandbox-app", "--client-id", info.CIAM.ClientID, "--discover", info.CIAM.Issuer,
		"--map", "email=email", "--map", "mobile=phone_number")
	if add.Code != 0 {
		t.Fatalf("brand add --discover against the sandbox: exit %d: %s", add.Code, add.Stderr)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sandbox after SIGTERM: %v (stderr: %s)", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("sandbox did not stop after SIGTERM")
	}
	if !strings.Contains(stderr.String(), "sandbox stopped") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func TestSandboxRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:80", "nonsense"} {
		res := clitest.Run(t, clitest.Opts{}, "sandbox", "--addr", addr)
		if res.Code != 2 || !strings.Contains(res.Stderr, "--addr") {
			t.Errorf("--addr %s: exit %d, stderr %q", addr, res.Code, res.Stderr)
		}
	}
}

// --basic prints Basic credentials, and the platform emulator accepts them.
func TestSandboxBasicCredentials(t *testing.T) {
	cmd := ciamctl("sandbox", "--basic", "-o", "json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var info sandboxcmd.Info
	if err := json.NewDecoder(stdout).Decode(&info); err != nil {
		t.Fatal(err)
	}
	if info.Env["CIAMCTL_INTOUCH_USERNAME"] == "" || info.Env["CIAMCTL_INTOUCH_CLIENT_KEY"] != "" {
		t.Fatalf("env %v", info.Env)
	}
	res := clitest.Run(t, clitest.Opts{Env: info.Env}, "channel", "list")
	if res.Code != 0 {
		t.Errorf("channel list with the sandbox's Basic credentials: exit %d: %s", res.Code, res.Stderr)
	}
}

// The sandbox's "Then try" lines get a token with ciamctl itself (no curl):
// the printed password-flow command works against the running sandbox.
func TestSandboxSuggestsTokenFetch(t *testing.T) {
	cmd := ciamctl("sandbox")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var text strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(text.String(), "Ctrl-C stops the sandbox.") {
		n, err := stdout.Read(buf)
		if err != nil {
			t.Fatalf("reading the sandbox's output: %v\n%s", err, text.String())
		}
		text.Write(buf[:n])
	}
	out := text.String()
	for _, want := range []string{
		"TOKEN=$(CIAMCTL_CIAM_PASSWORD=password ciamctl token fetch --brand sandbox --flow password --username alice)",
		"TOKEN=$(ciamctl token fetch --brand sandbox)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the sandbox does not suggest %q:\n%s", want, out)
		}
	}
	// curl remains only for the emulator's admin API, which no ciamctl command calls.
	for line := range strings.Lines(out) {
		if strings.Contains(line, "curl") && (strings.Contains(line, "/oauth/token") || strings.Contains(line, "grant_type")) {
			t.Errorf("the sandbox still suggests curl for a token:\n%s", out)
		}
	}
	var issuer, clientID string
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "issuer":
			issuer = f[1]
		case len(f) == 3 && f[0] == "client" && f[1] == "ID":
			clientID = f[2]
		}
	}
	dir := t.TempDir()
	env := map[string]string{"CIAMCTL_DIR": dir, "CIAMCTL_CACHE_DIR": t.TempDir(), "CIAMCTL_CIAM_PASSWORD": "password"}
	// The sandbox runs on the real clock.
	add := clitest.Run(t, clitest.Opts{Env: env, Now: time.Now()}, "brand", "add", "--no-input", "--name", "sandbox", "--application-id", "sandbox-app",
		"--client-id", clientID, "--discover", issuer, "--map", "email=email")
	expectCode(t, add, 0)
	res := clitest.Run(t, clitest.Opts{Env: env, Now: time.Now()}, "token", "fetch", "--brand", "sandbox", "--flow", "password", "--username", "alice")
	expectCode(t, res, 0)
	if strings.Count(res.Stdout, ".") != 2 {
		t.Errorf("token fetch printed %q", res.Stdout)
	}
}

// The sandbox exports its users as a CIAM export would (claims JSON Lines)
// and as ID tokens it signed: both go straight into a pre-flight of a brand
// discovered from it.
func TestSandboxExportsUsersForAPreflight(t *testing.T) {
	dir := t.TempDir()
	users, tokens := filepath.Join(dir, "users.jsonl"), filepath.Join(dir, "tokens.txt")
	cmd := ciamctl("sandbox", "-o", "json", "--export-users", users, "--export-tokens", tokens)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var info sandboxcmd.Info
	if err := json.NewDecoder(stdout).Decode(&info); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{users, tokens} {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: %v, mode %v; want a private file", f, err, st.Mode().Perm())
		}
	}
	ws := filepath.Join(dir, "brands")
	env := map[string]string{"CIAMCTL_CACHE_DIR": filepath.Join(dir, "cache")}
	add := clitest.Run(t, clitest.Opts{Env: env}, "brand", "add", "--dir", ws, "--no-input", "--name", "sandbox",
		"--application-id", "sandbox-app", "--client-id", info.CIAM.ClientID, "--discover", info.CIAM.Issuer,
		"--map", "firstname=given_name", "--map", "lastname=family_name", "--map", "email=/contact/email", "--map", "mobile=phone_number")
	expectCode(t, add, 0)
	for _, args := range [][]string{{"--batch", users}, {"--batch", tokens, "--tokens"}} {
		// The sandbox process signs with the real clock.
		res := clitest.Run(t, clitest.Opts{Env: env, Now: time.Now()}, append([]string{"mapping", "dry-run", "--dir", ws, "--brand", "sandbox", "-o", "json"}, args...)...)
		expectCode(t, res, 0)
		if !strings.Contains(res.Stderr, "2 can be created, 0 cannot") || strings.Count(res.Stdout, `"ok":true`) != 2 ||
			!strings.Contains(res.Stdout, `"email":"alice@example.com"`) || !strings.Contains(res.Stdout, `"mobile":"12025550102"`) {
			t.Errorf("%v:\n%s\n%s", args, res.Stdout, res.Stderr)
		}
	}
}

func TestSandboxExportNeedsAFile(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{}, "sandbox", "--export-users", "-")
	if res.Code != 2 || !strings.Contains(res.Stderr, "--export-users -: stdout is where the sandbox describes itself; name a file") {
		t.Errorf("exit %d: %s", res.Code, res.Stderr)
	}
}
