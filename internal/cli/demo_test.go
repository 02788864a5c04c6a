package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

var (
	reLoopback  = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	reUUID      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reDemoDir   = regexp.MustCompile(`/[^ ]*ciamctl-demo-\d+`)
	reKid       = regexp.MustCompile(`"[A-Za-z0-9_-]{16}"`)
	reByteCount = regexp.MustCompile(`\(\d+ bytes\)`)
)

// normalizeRun replaces what differs between runs (ports, generated user
// IDs and key IDs, the temporary workspace) with stable tokens.
func normalizeRun(s string) string {
	s = reLoopback.ReplaceAllString(s, "127.0.0.1:PORT")
	s = reUUID.ReplaceAllString(s, "UUID")
	s = reDemoDir.ReplaceAllString(s, "WORKSPACE")
	s = reKid.ReplaceAllString(s, `"KID"`)
	return reByteCount.ReplaceAllString(s, "(N bytes)")
}

// The demo runs the whole journey through the real commands and ends with
// the customer in the platform emulator, its cuid the CIAM user's sub.
func TestDemo(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{}, "demo")
	if res.Code != 0 {
		t.Fatalf("demo: exit %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	if !regexp.MustCompile(`✓ Customer \d+ in Member Care: Alice Anders-Smith, cuid ` + reUUID.String() + ` under OAUTH_EXTERNAL`).MatchString(res.Stdout) {
		t.Errorf("demo does not end with the customer and its cuid:\n%s", res.Stdout)
	}
	if strings.Contains(res.Stdout, "\x1b[") {
		t.Error("colour escapes without a terminal")
	}
	// The guide's journey: INSTORE data merged into the same customer, the two-step identifier change,
	// and a logout after which userinfo refuses the access token.
	for _, want := range []string{
		"✓ Merged into customer 1001 (8050): the OAUTH_EXTERNAL customer",
		"Identifier changes (not made at login)",
		"✓ Changed the mobile of customer 1001",
		"✓ Logged out: userinfo refuses the revoked access token",
		// The pre-flight: a user without contact identifiers, and merges on an email and a mobile.
		"✗ 5 profiles: 4 can be created, 1 cannot (no_contact_identifier 1)",
		"merge: 1 email shared by 2 users", "merge: 1 mobile shared by 2 users",
		"mobile 447700900123; profiles OAUTH_EXTERNAL/ciamctl-acme, INSTORE; fields city=Leeds (INSTORE), gender=Female (extended)",
	} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("demo lacks %q", want)
		}
	}
	clitest.Golden(t, "demo/demo.txt", normalizeRun(res.Stdout))
}

func TestDemoColourOnTerminal(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{TTY: true, Color: true}, "demo", "--user", "bob")
	if res.Code != 0 {
		t.Fatalf("demo: exit %d: %s", res.Code, res.Stderr)
	}
	if !strings.Contains(res.Stdout, "\x1b[") || !strings.Contains(res.Stdout, "Bob Brown-Smith") {
		t.Errorf("expected colour and bob's journey:\n%s", res.Stdout)
	}
}

func TestDemoRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"demo", "-o", "json"}, 2, "not supported"},
		{[]string{"demo", "--user", "mallory"}, 2, `"mallory"`}, // a usage error, before step 1
	} {
		res := clitest.Run(t, clitest.Opts{}, tc.args...)
		if res.Code != tc.code || !strings.Contains(res.Stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", tc.args, res.Code, res.Stderr, tc.code, tc.want)
		}
	}
}
