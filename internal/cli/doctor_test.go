package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/sandbox"
)

// sandboxBrand starts both emulators and registers brand acme against them
// in a fresh workspace; it returns the sandbox and the run options whose
// environment points ciamctl at them.
func sandboxBrand(t *testing.T) (*sandbox.Sandbox, clitest.Opts, string) {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{ClientID: "acme-loyalty"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	dir := t.TempDir()
	env := map[string]string{"CIAMCTL_DIR": dir, "CIAMCTL_CACHE_DIR": filepath.Join(dir, ".cache")}
	sb.SetEnv(env, false)
	opts := clitest.Opts{Env: env}
	add := clitest.Run(t, opts, "brand", "add", "--no-input", "--name", "acme", "--application-id", "acme-app",
		"--client-id", "acme-loyalty", "--discover", sb.Issuer, "--map", "email=email")
	if add.Code != 0 {
		t.Fatalf("brand add: exit %d: %s", add.Code, add.Stderr)
	}
	return sb, opts, dir
}

type doctorReport struct {
	OK     bool `json:"ok"`
	Checks []struct {
		Name, Status, Detail string
		Problems             []string
	} `json:"checks"`
}

func runDoctor(t *testing.T, opts clitest.Opts, args ...string) (clitest.Result, doctorReport) {
	t.Helper()
	res := clitest.Run(t, opts, append([]string{"doctor", "--brand", "acme", "-o", "json"}, args...)...)
	var rep doctorReport
	if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil {
		t.Fatalf("doctor -o json: %v\n%s\n%s", err, res.Stdout, res.Stderr)
	}
	return res, rep
}

func statuses(rep doctorReport) string {
	var b strings.Builder
	for _, c := range rep.Checks {
		b.WriteString(c.Name + "=" + c.Status + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestDoctor(t *testing.T) {
	_, opts, dir := sandboxBrand(t)

	res, rep := runDoctor(t, opts)
	if res.Code != 1 || rep.OK || statuses(rep) != "config=ok discovery=ok jwks=ok userinfo=ok intouch=ok org=ok channel=failed" {
		t.Fatalf("before channel link: exit %d, %s\n%s", res.Code, statuses(rep), res.Stdout)
	}
	if !strings.Contains(rep.Checks[6].Detail, "ciamctl channel link --brand acme") {
		t.Errorf("the channel failure should say what to run: %q", rep.Checks[6].Detail)
	}

	if link := clitest.Run(t, opts, "channel", "link", "--brand", "acme"); link.Code != 0 {
		t.Fatalf("channel link: %d %s", link.Code, link.Stderr)
	}
	res, rep = runDoctor(t, opts)
	if res.Code != 0 || !rep.OK || statuses(rep) != "config=ok discovery=ok jwks=ok userinfo=ok intouch=ok org=ok channel=ok" {
		t.Fatalf("after channel link: exit %d, %s\n%s", res.Code, statuses(rep), res.Stdout)
	}

	text := clitest.Run(t, opts, "doctor", "--brand", "acme")
	if text.Code != 0 || len(strings.Split(strings.TrimSpace(text.Stdout), "\n")) != 8 || !strings.HasSuffix(strings.TrimSpace(text.Stdout), "acme is ready") {
		t.Errorf("text report: one line per check and a verdict, got:\n%s", text.Stdout)
	}
	_ = dir
}

// Wrong platform credentials and an unreachable CIAM are each reported on
// their own line; every check still runs; no secret is printed.
func TestDoctorFailures(t *testing.T) {
	sb, opts, dir := sandboxBrand(t)
	opts.Env["CIAMCTL_INTOUCH_CLIENT_SECRET"] = "wrong-secret-value"
	_ = sb.Close() // the CIAM is gone too

	res, rep := runDoctor(t, opts, "--no-cache")
	want := "config=ok discovery=failed jwks=failed userinfo=failed intouch=failed org=skipped channel=skipped"
	if res.Code != 1 || statuses(rep) != want {
		t.Fatalf("exit %d, %s; want exit 1, %s\n%s", res.Code, statuses(rep), want, res.Stdout)
	}
	for _, c := range rep.Checks[1:5] {
		if c.Detail == "" {
			t.Errorf("check %s failed without saying why", c.Name)
		}
	}
	if strings.Contains(res.Stdout+res.Stderr, "wrong-secret-value") || strings.Contains(res.Stdout+res.Stderr, "emu-client-secret") {
		t.Error("a secret reached the output")
	}

	// A brand file with errors fails the config line.
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte("apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: acme\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, rep = runDoctor(t, opts)
	if res.Code != 1 || len(rep.Checks) == 0 || rep.Checks[0].Status != "failed" {
		t.Errorf("invalid brand file: exit %d, %s", res.Code, statuses(rep))
	}
}

func TestDoctorNeedsBrand(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{}, "doctor")
	if res.Code != 2 || !strings.Contains(res.Stderr, "--brand") {
		t.Errorf("exit %d, %q", res.Code, res.Stderr)
	}
}

// Given a token, doctor's userinfo check calls userinfo with it (as `token userinfo` does): a working
// token passes with the sub compared, a revoked one fails the check, and no token is printed.
func TestDoctorWithAccessToken(t *testing.T) {
	sb, opts, _ := sandboxBrand(t)
	opts.Now = time.Now() // the sandbox's CIAM issues tokens on the real clock
	if link := clitest.Run(t, opts, "channel", "link", "--brand", "acme"); link.Code != 0 {
		t.Fatalf("channel link: %d %s", link.Code, link.Stderr)
	}
	tk, err := sb.CIAM.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sb.CIAM.ResetRequests()
	res, rep := runDoctor(t, opts, "--access-token", tk.AccessToken, "--id-token", tk.IDToken)
	if res.Code != 0 || statuses(rep) != "config=ok discovery=ok jwks=ok userinfo=ok intouch=ok org=ok channel=ok" ||
		!strings.Contains(rep.Checks[3].Detail, "answers the access token for sub") || !strings.Contains(rep.Checks[3].Detail, "sub is the ID token's") {
		t.Fatalf("exit %d, %s\n%s", res.Code, statuses(rep), res.Stdout)
	}
	bearer := 0
	for _, r := range sb.CIAM.Requests() {
		if r.Path == ciamemu.PathUserinfo {
			bearer++
		}
	}
	if bearer != 1 {
		t.Errorf("%d userinfo calls, want exactly the one with the token (no anonymous probe)", bearer)
	}
	sb.CIAM.RevokeAccessTokens()
	res, rep = runDoctor(t, opts, "--access-token", tk.AccessToken)
	if res.Code != 1 || rep.Checks[3].Status != "failed" || !strings.Contains(rep.Checks[3].Detail, "invalid_token") {
		t.Errorf("revoked token: exit %d, %s\n%s", res.Code, statuses(rep), res.Stdout)
	}
	if strings.Contains(res.Stdout+res.Stderr, tk.AccessToken) {
		t.Error("the access token is printed")
	}
	if res := clitest.Run(t, opts, "doctor", "--brand", "acme", "--id-token", tk.IDToken); res.Code != 2 {
		t.Errorf("--id-token alone: exit %d", res.Code)
	}
}
