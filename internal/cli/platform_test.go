package cli_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// clitestNow is clitest's fixed clock; tokens are issued at the same instant so they verify.
var clitestNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// platform is a CIAM emulator and an Intouch emulator on loopback, and a
// workspace with one brand (acme) pointing at the CIAM.
type platform struct {
	t    *testing.T
	ciam *ciamemu.Server
	emu  *intouchemu.Server
	iss  string
	dir  string
	env  map[string]string
}

const acmeBrandTemplate = `# Acme: the gateway's view of the brand's CIAM. Reviewed in pull requests.
apiVersion: ciamctl/v1
kind: BrandConfig
brand: acme                     # matches the file name

orgId: 50123
ciam:
  provider: ciamemu
  applicationId: app-acme
  clientId: acme-loyalty
  issuer: $ISSUER
  userinfoEndpoint: $ISSUER/userinfo
  jwksUri: $ISSUER/.well-known/jwks.json
  algorithms: [RS256, ES256]
mappings:                       # platform field <- ID-token claim
  firstname: given_name
  lastname: family_name
  mobile: $MOBILE_CLAIM   # a namespaced URL claim, taken literally
  email: /contact/email         # a nested claim, as a JSON Pointer
`

func newPlatform(t *testing.T) *platform {
	t.Helper()
	return newPlatformWith(t, ciamemu.Options{})
}

// newPlatformWith is newPlatform with a CIAM of other options (a confidential client, other
// authentication methods); the client ID, seed and clock stay the tests' own.
func newPlatformWith(t *testing.T, opts ciamemu.Options) *platform {
	t.Helper()
	opts.ClientID, opts.Seed, opts.Now = "acme-loyalty", "ciamctl-cli-tests", func() time.Time { return clitestNow }
	ciam := ciamemu.New(opts)
	iss, err := ciam.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ciam.Close() })
	emu := intouchemu.New(intouchemu.Options{})
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })

	p := &platform{t: t, ciam: ciam, emu: emu, iss: iss, dir: t.TempDir(), env: map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}}
	emu.SetEnv(p.env, base, false)
	p.writeBrand("acme", acmeBrandTemplate)
	return p
}

func (p *platform) writeBrand(name, tmpl string) {
	p.t.Helper()
	r := strings.NewReplacer("$ISSUER", p.iss, "$MOBILE_CLAIM", ciamemu.MobileClaim(p.iss))
	if err := os.WriteFile(filepath.Join(p.dir, name+".yaml"), []byte(r.Replace(tmpl)), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *platform) brandFile(name string) string {
	p.t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, name+".yaml"))
	if err != nil {
		p.t.Fatal(err)
	}
	return string(b)
}

func (p *platform) run(args ...string) clitest.Result {
	p.t.Helper()
	return p.runEnv(p.env, args...)
}

func (p *platform) runEnv(env map[string]string, args ...string) clitest.Result {
	p.t.Helper()
	return clitest.Run(p.t, clitest.Opts{Env: env}, append(args, "--dir", p.dir)...)
}

func (p *platform) runStdin(stdin string, args ...string) clitest.Result {
	p.t.Helper()
	return clitest.Run(p.t, clitest.Opts{Env: p.env, Stdin: strings.NewReader(stdin)}, append(args, "--dir", p.dir)...)
}

// normalize replaces the run's temporary and random parts with stable tokens.
func (p *platform) normalize(s string) string {
	host := strings.TrimPrefix(p.iss, "http://")
	s = strings.ReplaceAll(s, p.dir, "$WS")
	s = strings.ReplaceAll(s, p.iss, "$ISSUER")
	s = strings.ReplaceAll(s, p.env["CIAMCTL_INTOUCH_URL"], "$INTOUCH")
	return strings.ReplaceAll(s, host, "$CIAM_HOST")
}

func (p *platform) token(login string) string {
	p.t.Helper()
	tok, err := p.ciam.IssueTokens(login, ciamemu.TokenOptions{})
	if err != nil {
		p.t.Fatal(err)
	}
	return tok.IDToken
}

func (p *platform) sub(login string) string {
	p.t.Helper()
	u, ok := p.ciam.FindUser(login)
	if !ok {
		p.t.Fatalf("no user %s", login)
	}
	return u.Sub
}

func (p *platform) link() {
	p.t.Helper()
	if res := p.run("channel", "link", "--brand", "acme"); res.Code != 0 {
		p.t.Fatalf("channel link: exit %d: %s", res.Code, res.Stderr)
	}
}

func expectCode(t *testing.T, res clitest.Result, code int) {
	t.Helper()
	if res.Code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.Code, code, res.Stdout, res.Stderr)
	}
}

func TestChannelLinkIsIdempotentAndKeepsTheFile(t *testing.T) {
	p := newPlatform(t)
	before := p.brandFile("acme")

	dry := p.run("channel", "link", "--brand", "acme", "--dry-run")
	expectCode(t, dry, 0)
	clitest.Golden(t, "channel/link-dry-run.txt", p.normalize(dry.Stdout))
	if p.brandFile("acme") != before || p.emu.Count(intouchemu.RouteCreateSource) != 0 {
		t.Fatal("--dry-run wrote the file or created an account")
	}

	first := p.run("channel", "link", "--brand", "acme")
	expectCode(t, first, 0)
	clitest.Golden(t, "channel/link-created.txt", p.normalize(first.Stdout))
	linked := p.brandFile("acme")
	if !strings.HasPrefix(linked, before) {
		t.Errorf("the existing lines changed:\n%s", linked)
	}
	clitest.Golden(t, "channel/acme-linked.yaml", p.normalize(linked))

	again := p.run("channel", "link", "--brand", "acme", "-o", "json")
	expectCode(t, again, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(again.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got["created"] != false || got["source"] != "OAUTH_EXTERNAL" || got["accountId"] != "ciamctl-acme" || got["accountName"] != "acme CIAM" || got["changed"] != false {
		t.Errorf("second link: %v", got)
	}
	if p.brandFile("acme") != linked {
		t.Error("the second link changed the file")
	}
	text := p.run("channel", "link", "--brand", "acme")
	expectCode(t, text, 0)
	clitest.Golden(t, "channel/link-unchanged.txt", p.normalize(text.Stdout))
	if n := p.emu.Count(intouchemu.RouteCreateSource); n != 1 {
		t.Errorf("%d create calls, want 1", n)
	}
	if v := p.run("config", "validate"); v.Code != 0 {
		t.Errorf("linked file does not validate: %s", v.Stdout)
	}
}

func TestChannelLinkFindsAnExistingAccount(t *testing.T) {
	p := newPlatform(t)
	p.emu.AddSource(intouchemu.Source{Name: "Acme CIAM", SourceAccountIdentifier: "acme-oauth", SourceTypeName: "oauth_external", IsActive: true})
	res := p.run("channel", "link", "--brand", "acme", "-o", "json")
	expectCode(t, res, 0)
	if !strings.Contains(res.Stdout, `"created": false`) || !strings.Contains(res.Stdout, `"accountId": "acme-oauth"`) || !strings.Contains(res.Stdout, `"changed": true`) {
		t.Errorf("link with an existing account: %s", res.Stdout)
	}
	if !strings.Contains(p.brandFile("acme"), "accountId: acme-oauth\n") || p.emu.Count(intouchemu.RouteCreateSource) != 0 {
		t.Errorf("not recorded, or created anyway:\n%s", p.brandFile("acme"))
	}
}

func TestChannelList(t *testing.T) {
	p := newPlatform(t)
	p.link()
	res := p.run("channel", "list")
	expectCode(t, res, 0)
	clitest.Golden(t, "channel/list.txt", res.Stdout)
	js := p.run("channel", "list", "--oauth-external", "-o", "json")
	expectCode(t, js, 0)
	var accounts []map[string]any
	if err := json.Unmarshal([]byte(js.Stdout), &accounts); err != nil || len(accounts) != 1 || accounts[0]["sourceAccountIdentifier"] != "ciamctl-acme" {
		t.Errorf("list -o json: %v %s", err, js.Stdout)
	}
	noOrg := map[string]string{}
	for k, v := range p.env {
		noOrg[k] = v
	}
	delete(noOrg, "CIAMCTL_INTOUCH_ORG_ID")
	expectCode(t, p.runEnv(noOrg, "channel", "list"), 2)
	expectCode(t, p.runEnv(noOrg, "channel", "list", "--brand", "acme"), 0) // the brand's orgId
}

func TestMappingDryRunClaimsFiles(t *testing.T) {
	p := newPlatform(t)
	p.writeBrand("acme", strings.Replace(acmeBrandTemplate, "$MOBILE_CLAIM", "https://acme.example/claims/mobile", 1))
	claims := filepath.Join(clitest.RepoRoot(t), "testdata", "claims")
	for _, c := range []struct {
		name string
		code int
	}{{"nested", 0}, {"namespaced", 0}, {"no-contact", 1}} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(claims, c.name+".json")
			res := p.run("mapping", "dry-run", "--brand", "acme", "--claims", file)
			expectCode(t, res, c.code)
			clitest.Golden(t, "mapping/"+c.name+".txt", strings.ReplaceAll(res.Stdout, claims, "$CLAIMS"))
			js := p.run("mapping", "dry-run", "--brand", "acme", "--claims", file, "-o", "json")
			expectCode(t, js, c.code)
			clitest.Golden(t, "mapping/"+c.name+".json", js.Stdout)
		})
	}
	stdin := p.runStdin(`{"sub": "s-1", "contact": {"email": "X@Y.example"}}`, "mapping", "dry-run", "--brand", "acme", "--claims", "-", "-o", "json")
	expectCode(t, stdin, 0)
	if !strings.Contains(stdin.Stdout, `"email": "x@y.example"`) {
		t.Errorf("claims from stdin: %s", stdin.Stdout)
	}
	expectCode(t, p.run("mapping", "dry-run", "--brand", "acme", "--claims", "nope.json"), 2)
	expectCode(t, p.run("mapping", "dry-run", "--brand", "acme", "--claims", "x.json", "tok"), 2)
}

func TestMappingDryRunToken(t *testing.T) {
	p := newPlatform(t)
	p.link()
	tok := p.token("alice")
	res := p.run("mapping", "dry-run", "--brand", "acme", tok)
	expectCode(t, res, 0)
	clitest.Golden(t, "mapping/token.txt", p.normalize(res.Stdout))

	js := p.runStdin(tok+"\n", "mapping", "dry-run", "--brand", "acme", "-", "-o", "json")
	expectCode(t, js, 0)
	var out struct {
		OK      bool `json:"ok"`
		Profile struct {
			Mobile      string `json:"mobile"`
			Email       string `json:"email"`
			AccountID   string `json:"accountId"`
			Identifiers []struct{ Type, Value string }
		} `json:"profile"`
		Request  json.RawMessage  `json:"request"`
		Problems []map[string]any `json:"problems"`
		Notes    []string         `json:"notes"`
	}
	if err := json.Unmarshal([]byte(js.Stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.OK || out.Profile.Mobile != "447700900001" || out.Profile.Email != "alice@example.com" || out.Profile.AccountID != "ciamctl-acme" ||
		out.Profile.Identifiers[0].Type != "cuid" || out.Profile.Identifiers[0].Value != p.sub("alice") || len(out.Notes) != 2 {
		t.Errorf("dry-run json: %s", js.Stdout)
	}
	if !strings.Contains(string(out.Request), `"loyaltyType": "loyalty"`) {
		t.Errorf("request: %s", out.Request)
	}

	// A token for another client is rejected before mapping; --no-verify maps it anyway.
	p.writeBrand("other", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: other", 1), "clientId: acme-loyalty", "clientId: other-client", 1))
	bad := p.run("mapping", "dry-run", "--brand", "other", tok)
	expectCode(t, bad, 1)
	if !strings.Contains(bad.Stdout, "invalid_token") && !strings.Contains(bad.Stdout, "not valid") {
		t.Errorf("invalid token output:\n%s", bad.Stdout)
	}
	expectCode(t, p.run("mapping", "dry-run", "--brand", "other", "--no-verify", tok), 0)

	// An unreachable JWKS is a remote failure.
	p.writeBrand("down", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: down", 1),
		"jwksUri: $ISSUER/.well-known/jwks.json", "jwksUri: http://127.0.0.1:1/jwks.json", 1))
	down := p.run("mapping", "dry-run", "--brand", "down", tok)
	expectCode(t, down, 3)
	if !strings.Contains(down.Stderr, "hint:") {
		t.Errorf("no hint: %s", down.Stderr)
	}
}

func TestFlowLoginCreatesThenUpdates(t *testing.T) {
	p := newPlatform(t)
	p.link()
	p.emu.ResetCounts()
	alice := p.sub("alice")

	plan := p.run("flow", "login", "--brand", "acme", p.token("alice"))
	expectCode(t, plan, 0)
	clitest.Golden(t, "flow/login-plan-create.txt", p.normalize(plan.Stdout))
	if n := p.emu.Count(intouchemu.RouteAddCustomer); n != 0 {
		t.Fatalf("without --apply: %d add-customer calls", n)
	}
	if p.emu.Count(intouchemu.RouteLookup) != 3 { // by cuid, then (8015) by the token's mobile and email
		t.Errorf("lookup calls: %v", p.emu.Counts())
	}

	created := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply")
	expectCode(t, created, 0)
	clitest.Golden(t, "flow/login-created.txt", p.normalize(created.Stdout))
	if _, ok := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "cuid", alice); !ok {
		t.Fatal("customer not created")
	}

	lookup := p.run("customer", "lookup", "--brand", "acme", "--cuid", alice)
	expectCode(t, lookup, 0)
	clitest.Golden(t, "customer/lookup.txt", lookup.Stdout)
	if !strings.Contains(lookup.Stdout, "cuid") || !strings.Contains(lookup.Stdout, alice) {
		t.Errorf("lookup lacks the cuid:\n%s", lookup.Stdout)
	}

	if _, err := p.ciam.UpdateUser(alice, func(u *ciamemu.User) { u.FamilyName = "Anders-Berg"; u.Email = "Alice.Berg@example.com" }); err != nil {
		t.Fatal(err)
	}
	writes := func() int {
		return p.emu.Count(intouchemu.RouteAddCustomer) + p.emu.Count(intouchemu.RouteUpdateCustomer) + p.emu.Count(intouchemu.RouteChangeIdentifier)
	}
	before := writes()
	planUpdate := p.run("flow", "login", "--brand", "acme", p.token("alice"))
	expectCode(t, planUpdate, 0)
	clitest.Golden(t, "flow/login-plan-update.txt", p.normalize(planUpdate.Stdout))
	if writes() != before {
		t.Fatalf("without --apply: write calls made: %v", p.emu.Counts())
	}

	updated := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply", "-o", "json")
	expectCode(t, updated, 0)
	var res struct {
		Outcome           string `json:"outcome"`
		CustomerID        int64  `json:"customerId"`
		Changes           []struct{ Field, Old, New string }
		IdentifierChanges []struct{ Type, From, To string } `json:"identifierChanges"`
		Commands          []string                          `json:"changeIdentifierCommands"`
		Calls             []struct {
			Method, Path string
			Made         bool
		}
	}
	if err := json.Unmarshal([]byte(updated.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	// The login updates the name (profile update) and only reports the new email: an identifier change is
	// two steps, the CIAM first, then a separate platform call made by the app.
	if res.Outcome != "updated" || len(res.Changes) != 1 || res.Changes[0].Field != "lastname" || len(res.Calls) != 3 || !res.Calls[2].Made || res.Calls[2].Method != "PUT" {
		t.Errorf("update: %s", updated.Stdout)
	}
	if len(res.IdentifierChanges) != 1 || res.IdentifierChanges[0] != (struct{ Type, From, To string }{"email", "alice@example.com", "alice.berg@example.com"}) {
		t.Errorf("identifierChanges: %+v", res.IdentifierChanges)
	}
	wantCmd := `ciamctl customer change-identifier --brand acme --cuid ` + alice + ` --email alice.berg@example.com --token "$ID_TOKEN"`
	if len(res.Commands) != 1 || res.Commands[0] != wantCmd {
		t.Errorf("step 2 command: %q, want %q", res.Commands, wantCmd)
	}
	if n := p.emu.Count(intouchemu.RouteChangeIdentifier); n != 0 {
		t.Errorf("flow login made %d changeIdentifier calls; step 2 is not the login's", n)
	}
	c, _ := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "cuid", alice)
	if prof := c.Profiles[0]; prof.LastName != "Anders-Berg" || !strings.Contains(jsonString(t, prof.Identifiers), `"alice@example.com"`) {
		t.Errorf("stored profile after update: %+v", prof)
	}

	pending := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply")
	expectCode(t, pending, 0)
	clitest.Golden(t, "flow/login-identifier-pending.txt", p.normalize(strings.ReplaceAll(pending.Stdout, alice, "$CUID")))
	if !strings.Contains(pending.Stdout, wantCmd) {
		t.Errorf("text output lacks the step 2 command:\n%s", pending.Stdout)
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFlowLoginRefusesBadInput(t *testing.T) {
	p := newPlatform(t)
	expectCode(t, p.run("flow", "login", "--brand", "acme", p.token("alice")), 2) // not linked yet
	p.link()
	p.emu.ResetCounts()
	p.writeBrand("other", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: other", 1), "clientId: acme-loyalty", "clientId: other-client", 1))
	if res := p.run("channel", "link", "--brand", "other"); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	rejected := p.run("flow", "login", "--brand", "other", p.token("alice"), "--apply")
	expectCode(t, rejected, 1)
	if !strings.Contains(rejected.Stdout, "Token rejected") || p.emu.Count(intouchemu.RouteLookup) != 0 {
		t.Errorf("rejected token:\n%s\n%v", rejected.Stdout, p.emu.Counts())
	}

	nobody := p.ciam.AddUser(ciamemu.User{Username: "nocontact", Password: "password", GivenName: "No", FamilyName: "Contact"})
	noContact := p.run("flow", "login", "--brand", "acme", p.token(nobody.Sub), "--apply", "-o", "json")
	expectCode(t, noContact, 1)
	if !strings.Contains(noContact.Stdout, `"outcome": "invalid_profile"`) || p.emu.Count(intouchemu.RouteLookup) != 0 {
		t.Errorf("no contact identifier:\n%s", noContact.Stdout)
	}
}

func TestCustomerLookupNotFound(t *testing.T) {
	p := newPlatform(t)
	p.link()
	res := p.run("customer", "lookup", "--brand", "acme", "--cuid", "00000000-0000-4000-8000-000000000000")
	expectCode(t, res, 1)
	if !strings.Contains(res.Stderr, "no customer has cuid 00000000-0000-4000-8000-000000000000") {
		t.Errorf("stderr: %s", res.Stderr)
	}
	expectCode(t, p.run("customer", "lookup", "--cuid", "x"), 2)
	expectCode(t, p.run("customer", "lookup", "--brand", "acme"), 2)
}

func TestIntouchRetriesRateLimitsWithRetryAfter(t *testing.T) {
	p := newPlatform(t)
	p.link()
	p.emu.ResetCounts()
	p.emu.InjectFaults("GET /v2/customers/lookup", intouchemu.Fault{Status: 429, RetryAfter: "1"})
	start := time.Now()
	res := p.run("flow", "login", "--brand", "acme", p.token("alice"))
	expectCode(t, res, 0)
	// cuid (429, then retried: 8015), then the token's mobile and email.
	if n := p.emu.Count(intouchemu.RouteLookup); n != 4 {
		t.Errorf("%d lookup calls, want 4 (one 429, one retry, then mobile and email)", n)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("retried after %s; Retry-After asked for 1s", took)
	}
}

func TestIntouchDoesNotRetryAPostThatTimedOut(t *testing.T) {
	p := newPlatform(t)
	p.link()
	p.emu.ResetCounts()
	p.emu.InjectFaults("POST /v2/customers", intouchemu.Fault{Hang: true})
	res := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply", "--timeout", "500ms")
	expectCode(t, res, 3)
	if n := p.emu.Count(intouchemu.RouteAddCustomer); n != 1 {
		t.Errorf("%d add-customer calls after a timeout, want exactly 1", n)
	}
	if !strings.Contains(res.Stderr, "may have been applied") || !strings.Contains(res.Stderr, "hint: the platform may have made the change") {
		t.Errorf("stderr does not warn the POST may have been applied:\n%s", res.Stderr)
	}
}

func TestIntouchUnauthorizedHasAHint(t *testing.T) {
	p := newPlatform(t)
	env := map[string]string{}
	for k, v := range p.env {
		env[k] = v
	}
	env["CIAMCTL_INTOUCH_CLIENT_SECRET"] = "wrong"
	res := p.runEnv(env, "channel", "list")
	expectCode(t, res, 3)
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], "HTTP 401") ||
		!strings.HasPrefix(lines[1], "hint: ") || !strings.Contains(lines[1], "CIAMCTL_INTOUCH_CLIENT_SECRET") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
	if strings.Count(res.Stderr, "CIAMCTL_INTOUCH_CLIENT_SECRET") != 1 {
		t.Errorf("the hint is repeated on the error line:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stderr, "wrong") {
		t.Error("the secret is echoed")
	}
}

func TestDebugTraceHidesSecrets(t *testing.T) {
	p := newPlatform(t)
	p.link()
	tok := p.token("alice")
	oauth := p.run("flow", "login", "--brand", "acme", tok, "--apply", "--debug")
	expectCode(t, oauth, 0)
	if !strings.Contains(oauth.Stderr, "/v3/oauth/token/generate attempt=1") {
		t.Fatalf("no trace on stderr:\n%s", oauth.Stderr)
	}

	basicEnv := map[string]string{"CIAMCTL_CACHE_DIR": p.env["CIAMCTL_CACHE_DIR"]}
	o := p.emu.Options()
	p.emu.SetEnv(basicEnv, p.env["CIAMCTL_INTOUCH_URL"], true)
	basic := p.runEnv(basicEnv, "customer", "lookup", "--brand", "acme", "--cuid", p.sub("alice"), "--debug")
	expectCode(t, basic, 0)
	if !strings.Contains(basic.Stderr, "Authorization=") {
		t.Fatalf("no Authorization header in the trace:\n%s", basic.Stderr)
	}

	sum := md5.Sum([]byte(o.Password))
	secrets := map[string]string{
		"client secret":  o.ClientSecret,
		"password":       o.Password,
		"password md5":   hex.EncodeToString(sum[:]),
		"basic value":    base64.StdEncoding.EncodeToString([]byte(o.Username + ":" + hex.EncodeToString(sum[:]))),
		"ID token":       tok,
		"ID token parts": strings.Split(tok, ".")[2],
	}
	for i, at := range p.emu.IssuedTokens() {
		secrets["access token "+string(rune('0'+i))] = at
	}
	for _, res := range []clitest.Result{oauth, basic} {
		for what, s := range secrets {
			if strings.Contains(res.Stdout, s) || strings.Contains(res.Stderr, s) {
				t.Errorf("the %s appears in the output", what)
			}
		}
	}
}
