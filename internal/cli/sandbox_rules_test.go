package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/cli/sandboxcmd"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// startSandbox runs `ciamctl sandbox -o json` with args in a process and returns what it printed.
func startSandbox(t *testing.T, args ...string) sandboxcmd.Info {
	t.Helper()
	cmd := ciamctl(append([]string{"sandbox", "-o", "json"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var info sandboxcmd.Info
	if err := json.NewDecoder(stdout).Decode(&info); err != nil {
		t.Fatal(err)
	}
	return info
}

// The sandbox's flags turn the platform emulator's org rules on, and it says which are on.
func TestSandboxPlatformRules(t *testing.T) {
	info := startSandbox(t, "--mandatory-field", "lastName", "--mandatory-field", "dateOfBirth", "--rate-limit", "3",
		"--deny-source-type", "oauth_external")
	r := info.Intouch.Rules
	if r == nil || strings.Join(r.MandatoryFields, ",") != "lastName,dateOfBirth" || r.RateLimitPerMinute != 3 || strings.Join(r.DeniedSourceTypes, ",") != "OAUTH_EXTERNAL" {
		t.Fatalf("rules: %+v", r)
	}
	cfg := intouch.ConfigFromEnv(func(k string) string { return info.Env[k] })
	cfg.MaxRetries = -1
	c, err := intouch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.CreateChannelAccount(ctx, "Sandbox CIAM", "sandbox-ciam") // 1st call of the minute
	var st *intouch.SourceTypeError
	if !errors.As(err, &st) {
		t.Fatalf("--deny-source-type: %v", err)
	}
	_, err = c.AddCustomer(ctx, intouch.AddCustomerRequest{ // 2nd
		Profiles:    []intouch.CustomerProfile{{LastName: "L", Source: intouch.SourceInstore, Identifiers: []intouch.Identifier{{Type: "email", Value: "a@example.com"}}}},
		LoyaltyInfo: intouch.LoyaltyInfo{LoyaltyType: intouch.LoyaltyTypeLoyalty}})
	var mf *intouch.MandatoryFieldError
	if !errors.As(err, &mf) || mf.Field != "dateOfBirth" {
		t.Fatalf("--mandatory-field dateOfBirth: %v", err)
	}
	if _, err := c.ListChannelAccounts(ctx); err != nil { // 3rd
		t.Fatal(err)
	}
	if _, err := c.ListChannelAccounts(ctx); !errors.Is(err, intouch.ErrUnavailable) || !strings.Contains(err.Error(), "HTTP 429") {
		t.Errorf("--rate-limit 3: the 4th call of the minute: %v", err)
	}
}

func TestSandboxRuleFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{{"--rate-limit", "-1"}, {"--mandatory-field", " "}, {"--parent-org", "acme"}} {
		res := clitest.Run(t, clitest.Opts{}, append([]string{"sandbox"}, args...)...)
		if res.Code != 2 || !strings.Contains(res.Stderr, args[0]) {
			t.Errorf("%v: exit %d %s", args, res.Code, res.Stderr)
		}
	}
}

// --parent-org: the credentials are the parent org's, and ciamctl reaches the emulated org through
// X-CAP-API-AUTH-ORG-ID (doctor-style org check: the token names the parent).
func TestSandboxParentOrg(t *testing.T) {
	info := startSandbox(t, "--parent-org", "100")
	if info.Intouch.Rules == nil || info.Intouch.Rules.ParentOrg != "100" {
		t.Fatalf("rules: %+v", info.Intouch.Rules)
	}
	res := clitest.Run(t, clitest.Opts{Env: info.Env}, "channel", "list", "--debug")
	if res.Code != 0 || !strings.Contains(res.Stderr, `X-Cap-Api-Auth-Org-Id="`+info.Intouch.OrgID+`"`) {
		t.Errorf("exit %d:\n%s", res.Code, res.Stderr)
	}
}
