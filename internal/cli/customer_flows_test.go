package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// platformWrites counts the calls that change the platform.
func (p *platform) platformWrites() int {
	return p.emu.Count(intouchemu.RouteAddCustomer) + p.emu.Count(intouchemu.RouteUpdateCustomer) +
		p.emu.Count(intouchemu.RouteChangeIdentifier) + p.emu.Count(intouchemu.RouteCreateSource)
}

// platformCalls counts every call the platform emulator received.
func (p *platform) platformCalls() int {
	n := 0
	for _, c := range p.emu.Counts() {
		n += c
	}
	return n
}

// loggedIn links the brand and logs alice in, so the platform has her OAUTH_EXTERNAL customer.
func (p *platform) loggedIn(login string) {
	p.t.Helper()
	p.link()
	if res := p.run("flow", "login", "--brand", "acme", p.token(login), "--apply"); res.Code != 0 {
		p.t.Fatalf("flow login: exit %d: %s", res.Code, res.Stderr)
	}
	p.emu.ResetCounts()
}

func oneLineError(t *testing.T, res clitest.Result, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	if !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], want) || len(lines) > 2 || (len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ")) {
		t.Errorf("want one error line with %q (and at most a hint), got:\n%s", want, res.Stderr)
	}
}

// The guide's two-step identifier change: the CIAM changes the mobile (step 1), the login only reports
// it, and `customer change-identifier` makes the platform follow (step 2) once a fresh ID token shows it.
func TestCustomerChangeIdentifierTwoSteps(t *testing.T) {
	p := newPlatform(t)
	p.loggedIn("alice")
	alice := p.sub("alice")
	oldToken := p.token("alice")
	if _, err := p.ciam.UpdateUser(alice, func(u *ciamemu.User) { u.PhoneNumber = "+44 7700 900123" }); err != nil {
		t.Fatal(err)
	}
	newToken := p.token("alice")
	norm := func(s string) string { return p.normalize(strings.ReplaceAll(s, alice, "$CUID")) }

	// Step 1 not shown done: the token given still carries the old mobile. Nothing reaches the platform.
	notDone := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", alice, "--mobile", "+44 7700 900123", "--token", oldToken, "--apply")
	expectCode(t, notDone, 1)
	oneLineError(t, notDone, "the CIAM still holds mobile 447700900001")
	if n := p.platformCalls(); n != 0 {
		t.Fatalf("a refused change sent %d platform calls: %v", n, p.emu.Counts())
	}
	noToken := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", alice, "--mobile", "447700900123", "--apply")
	expectCode(t, noToken, 2)
	oneLineError(t, noToken, "missing --token")
	otherUser := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", p.sub("bob"), "--mobile", "447700900123", "--token", newToken, "--apply")
	expectCode(t, otherUser, 1)
	oneLineError(t, otherUser, "--token is for sub")
	for _, bad := range [][]string{
		{"--cuid", alice, "--token", newToken},                                                       // no new value
		{"--cuid", alice, "--mobile", "123", "--token", newToken},                                    // not a mobile
		{"--cuid", alice, "--mobile", "447700900123", "--email", "a@b.example", "--token", newToken}, // both
		{newToken, "--cuid", alice, "--mobile", "447700900123", "--token", newToken},                 // cuid twice
		{"--mobile", "447700900123", "--token", newToken},                                            // no customer
	} {
		res := p.run(append([]string{"customer", "change-identifier", "--brand", "acme"}, bad...)...)
		if res.Code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", bad, res.Code, res.Stderr)
		}
	}
	if n := p.platformCalls(); n != 0 {
		t.Fatalf("bad input sent %d platform calls", n)
	}

	// Bob has no platform customer yet: an unknown cuid is exit 1 with nothing changed.
	bob := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", p.sub("bob"), "--email", "bob@example.com", "--token", p.token("bob"), "--apply")
	expectCode(t, bob, 1)
	oneLineError(t, bob, "no customer has cuid "+p.sub("bob"))
	if p.platformWrites() != 0 {
		t.Fatalf("unknown cuid: writes %v", p.emu.Counts())
	}

	// The login after step 1 reports the change and the command, and changes nothing.
	login := p.run("flow", "login", "--brand", "acme", newToken, "--apply")
	expectCode(t, login, 0)
	if !strings.Contains(login.Stdout, "ciamctl customer change-identifier --brand acme --cuid "+alice+" --mobile 447700900123") {
		t.Errorf("login does not print step 2:\n%s", login.Stdout)
	}

	dry := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", alice, "--mobile", "447700900123", "--token", newToken)
	expectCode(t, dry, 0)
	clitest.Golden(t, "customer/change-identifier-dry-run.txt", norm(dry.Stdout))
	if p.platformWrites() != 0 {
		t.Fatalf("dry run wrote: %v", p.emu.Counts())
	}

	applied := p.run("customer", "change-identifier", "--brand", "acme", oldToken, "--mobile", "447700900123", "--token", newToken, "--apply", "-o", "json")
	expectCode(t, applied, 0)
	clitest.Golden(t, "customer/change-identifier-applied.json", norm(applied.Stdout))
	var res struct {
		Outcome    string
		CustomerID int64
		Identifier struct{ Type, From, To string }
		Customer   struct {
			Profile struct {
				Identifiers []struct{ Type, Value string }
			}
		}
	}
	if err := json.Unmarshal([]byte(applied.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != "changed" || res.Identifier.From != "447700900001" || res.Identifier.To != "447700900123" ||
		!strings.Contains(jsonString(t, res.Customer.Profile.Identifiers), `"447700900123"`) {
		t.Errorf("applied: %s", applied.Stdout)
	}
	if n := p.emu.Count(intouchemu.RouteChangeIdentifier); n != 1 {
		t.Errorf("%d changeIdentifier calls, want 1", n)
	}
	c, _ := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "mobile", "447700900123")
	if c.ID != res.CustomerID {
		t.Errorf("the platform's customer with the new mobile is %d, want %d", c.ID, res.CustomerID)
	}

	again := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", alice, "--mobile", "447700900123", "--token", newToken, "--apply")
	expectCode(t, again, 0)
	if !strings.Contains(again.Stdout, "already has mobile 447700900123; nothing to change") || p.emu.Count(intouchemu.RouteChangeIdentifier) != 1 {
		t.Errorf("second run:\n%s", again.Stdout)
	}
	// The fresh token as the argument both names the customer and proves step 1 (here from stdin).
	viaArg := p.runStdin(newToken+"\n", "customer", "change-identifier", "--brand", "acme", "-", "--mobile", "447700900123", "--apply")
	expectCode(t, viaArg, 0)
	if !strings.Contains(viaArg.Stdout, "nothing to change") {
		t.Errorf("TOKEN argument as the proof:\n%s", viaArg.Stdout)
	}
	oldArg := p.run("customer", "change-identifier", "--brand", "acme", oldToken, "--mobile", "447700900123", "--apply")
	expectCode(t, oldArg, 1)
	oneLineError(t, oldArg, "the CIAM still holds mobile 447700900001")

	same := p.run("flow", "login", "--brand", "acme", newToken, "--apply")
	expectCode(t, same, 0)
	clitest.Golden(t, "flow/login-unchanged.txt", norm(same.Stdout))
}

// Adding a mobile another customer holds (in another source) merges the two; the survivor answers.
// A value held by customers in two sources is 8074: the change fails, exit 1.
func TestCustomerChangeIdentifierMergesAndWarns(t *testing.T) {
	p := newPlatform(t)
	p.loggedIn("alice")
	alice := p.sub("alice")
	other := p.emu.SeedCustomer(intouchemu.Customer{Profiles: []intouchemu.Profile{{FirstName: "Alice", LastName: "Store",
		Source: "INSTORE", Identifiers: []intouchemu.Identifier{{Type: "mobile", Value: "447700900555"}}}}})
	if _, err := p.ciam.UpdateUser(alice, func(u *ciamemu.User) { u.PhoneNumber = "+44 7700 900555"; u.Email = "alice.new@example.com" }); err != nil {
		t.Fatal(err)
	}
	tok := p.token("alice")
	merged := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", alice, "--mobile", "447700900555", "--token", tok, "--apply")
	expectCode(t, merged, 0)
	clitest.Golden(t, "customer/change-identifier-merged.txt", p.normalize(strings.ReplaceAll(merged.Stdout, alice, "$CUID")))
	js := p.run("customer", "lookup", "--brand", "acme", "--cuid", alice, "-o", "json")
	expectCode(t, js, 0)
	if !strings.Contains(js.Stdout, `"customerId": `+jsonString(t, other.ID)) {
		t.Errorf("after the merge the cuid leads to %s, want the survivor %d", js.Stdout, other.ID)
	}

	for i, src := range []string{"INSTORE", "WECHAT"} {
		p.emu.SeedCustomer(intouchemu.Customer{Profiles: []intouchemu.Profile{{FirstName: "Twin", LastName: jsonString(t, i),
			Source: src, Identifiers: []intouchemu.Identifier{{Type: "email", Value: "alice.new@example.com"}}}}})
	}
	p.emu.ResetCounts()
	ambiguous := p.run("customer", "change-identifier", "--brand", "acme", "--cuid", alice, "--email", "alice.new@example.com", "--token", tok, "--apply", "-o", "json")
	expectCode(t, ambiguous, 1)
	if !strings.Contains(ambiguous.Stdout, `"outcome": "not_changed"`) || !strings.Contains(ambiguous.Stdout, `"code": 8074`) {
		t.Errorf("8074:\n%s", ambiguous.Stdout)
	}
}

// The guide's INSTORE registration of data the CIAM does not carry joins the OAUTH_EXTERNAL customer.
func TestCustomerRegisterInstoreMerges(t *testing.T) {
	p := newPlatform(t)
	p.loggedIn("alice")
	alice := p.sub("alice")
	tok := p.token("alice")
	args := []string{"customer", "register", "--brand", "acme", "--source", "INSTORE", tok, "--field", "city=Leeds", "--extended-field", "gender=Female"}
	norm := func(s string) string { return p.normalize(strings.ReplaceAll(s, alice, "$CUID")) }

	dry := p.run(args...)
	expectCode(t, dry, 0)
	clitest.Golden(t, "customer/register-dry-run.txt", norm(dry.Stdout))
	dryJSON := p.run(append(args, "-o", "json")...)
	expectCode(t, dryJSON, 0)
	clitest.Golden(t, "customer/register-dry-run.json", norm(dryJSON.Stdout))
	if p.platformWrites() != 0 {
		t.Fatalf("dry run wrote: %v", p.emu.Counts())
	}

	applied := p.run(append(args, "--apply", "-o", "json")...)
	expectCode(t, applied, 0)
	var res struct {
		Outcome, Expected string
		CustomerID        int64 `json:"customerId"`
		OAuthID           int64 `json:"oauthExternalCustomerId"`
		Merged            bool
		AsExpected        bool
		Warnings          []struct{ Code int }
	}
	if err := json.Unmarshal([]byte(applied.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	lookup := p.run("customer", "lookup", "--brand", "acme", "--cuid", alice, "-o", "json")
	if res.Outcome != "merged" || !res.Merged || !res.AsExpected || res.Expected != "merge" || res.CustomerID != res.OAuthID ||
		len(res.Warnings) != 1 || res.Warnings[0].Code != 8050 || !strings.Contains(lookup.Stdout, `"customerId": `+jsonString(t, res.CustomerID)) {
		t.Errorf("register --apply:\n%s\nlookup:\n%s", applied.Stdout, lookup.Stdout)
	}
	c, _ := p.emu.FindCustomer("INSTORE", "", "mobile", "447700900001")
	if c.ID != res.CustomerID || len(c.Profiles) != 2 || c.Profiles[1].Fields["city"] != "Leeds" || c.ExtendedFields["gender"] != "Female" {
		t.Errorf("stored: %+v", c)
	}

	again := p.run(args...)
	expectCode(t, again, 0)
	if !strings.Contains(again.Stdout, "Already registered") || p.emu.Count(intouchemu.RouteAddCustomer) != 1 {
		t.Errorf("second registration:\n%s", again.Stdout)
	}
}

// Identifiers the OAUTH_EXTERNAL customer does not hold make a second customer, and the command says
// that is what to expect; bad input is refused before anything is sent.
func TestCustomerRegisterInstoreSecondCustomerAndBadInput(t *testing.T) {
	p := newPlatform(t)
	p.loggedIn("alice")
	flags := []string{"customer", "register", "--brand", "acme", "--source", "instore", "--mobile", "+44 7700 900999", "--firstname", "Walk", "--lastname", "In"}
	dry := p.run(flags...)
	expectCode(t, dry, 0)
	clitest.Golden(t, "customer/register-second-dry-run.txt", p.normalize(dry.Stdout))
	created := p.run(append(flags, "--apply")...)
	expectCode(t, created, 0)
	clitest.Golden(t, "customer/register-second.txt", p.normalize(created.Stdout))
	if n := len(p.emu.Customers()); n != 2 {
		t.Errorf("%d customers, want 2", n)
	}

	p.emu.ResetCounts()
	for _, bad := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--source", "INSTORE"}, 2, "no identifier"},
		{[]string{"--source", "OAUTH_EXTERNAL", "--mobile", "447700900001"}, 2, "only INSTORE"},
		{[]string{"--mobile", "447700900001"}, 2, "missing --source"},
		{[]string{"--source", "INSTORE", "--email", "not-an-email"}, 2, "--email"},
		{[]string{"--source", "INSTORE", "--mobile", "447700900001", "--field", "city"}, 2, "NAME=VALUE"},
		{[]string{"--source", "INSTORE", p.token("alice"), "--mobile", "447700900001"}, 2, "not both"},
	} {
		res := p.run(append([]string{"customer", "register", "--brand", "acme"}, bad.args...)...)
		expectCode(t, res, bad.code)
		oneLineError(t, res, bad.want)
	}
	nobody := p.ciam.AddUser(ciamemu.User{Username: "nocontact", GivenName: "No", FamilyName: "Contact"})
	noID := p.run("customer", "register", "--brand", "acme", "--source", "INSTORE", p.token(nobody.Sub), "--apply")
	expectCode(t, noID, 1)
	oneLineError(t, noID, "neither a mobile nor an email")
	if n := p.platformCalls(); n != 0 {
		t.Errorf("bad input sent %d platform calls: %v", n, p.emu.Counts())
	}
}
