package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// intouchClient is a platform client with the emulator's credentials, for setting up states.
func (p *platform) intouchClient() *intouch.Client {
	p.t.Helper()
	c, err := intouch.New(intouch.ConfigFromEnv(func(k string) string { return p.env[k] }))
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

type loginJSON struct {
	Outcome    string `json:"outcome"`
	CustomerID *int64 `json:"customerId"`
	Calls      []struct{ Path, Result string }
	Warnings   []intouch.Item `json:"warnings"`
	Notes      []string       `json:"notes"`
}

func decodeLogin(t *testing.T, out string) loginJSON {
	t.Helper()
	var r loginJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return r
}

func hasWarning(items []intouch.Item, code int) bool {
	for _, it := range items {
		if it.Code == code {
			return true
		}
	}
	return false
}

// The add answers 8050 when the mobile is an INSTORE customer's: the warning is shown (escaped) and kept.
func TestFlowLoginShowsAndKeepsTheMergeWarning(t *testing.T) {
	p := newPlatform(t)
	p.link()
	instore := p.emu.SeedCustomer(intouchemu.Customer{Profiles: []intouchemu.Profile{{Source: "INSTORE", FirstName: "Alice",
		Identifiers: []intouchemu.Identifier{{Type: "mobile", Value: "447700900001"}}}}})
	res := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply", "-o", "json")
	expectCode(t, res, 0)
	r := decodeLogin(t, res.Stdout)
	if !hasWarning(r.Warnings, 8050) || r.CustomerID == nil || *r.CustomerID != instore.ID {
		t.Errorf("want warning 8050 and the INSTORE customer %d: %s", instore.ID, res.Stdout)
	}

	p2 := newPlatform(t)
	p2.link()
	p2.emu.SeedCustomer(intouchemu.Customer{Profiles: []intouchemu.Profile{{Source: "INSTORE",
		Identifiers: []intouchemu.Identifier{{Type: "mobile", Value: "447700900001"}}}}})
	text := p2.run("flow", "login", "--brand", "acme", p2.token("alice"), "--apply")
	expectCode(t, text, 0)
	if !strings.Contains(text.Stdout, "platform warning 8050: Same Customer found in other sources, Combining (the identifiers matched a customer of another source") ||
		!strings.Contains(text.Stdout, "merged into customer") {
		t.Errorf("text:\n%s", text.Stdout)
	}
}

// The org answers 8015 to the lookup by cuid (as one that does not look customers up by cuid would): the
// customer is found by the token's mobile, and the output says so.
func TestFlowLoginFallsBackToMobileWhenTheCUIDLookupAnswers8015(t *testing.T) {
	p := newPlatform(t)
	p.link()
	expectCode(t, p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply"), 0)
	p.emu.InjectFaults("GET /v2/customers/lookup", intouchemu.Fault{Status: 404, Code: 8015, Message: "Customer not found for the given identifiers"})
	res := p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply", "-o", "json")
	expectCode(t, res, 0)
	r := decodeLogin(t, res.Stdout)
	if r.Outcome != "unchanged" || len(r.Calls) < 2 || !strings.Contains(r.Calls[1].Path, "identifierName=mobile") {
		t.Fatalf("not found by mobile: %s", res.Stdout)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "by mobile, not by cuid: the org answered 8015 to the lookup by cuid, an inferred call") {
		t.Errorf("notes: %v", r.Notes)
	}
	if n := p.emu.Count(intouchemu.RouteAddCustomer); n != 1 {
		t.Errorf("%d add calls: the customer was created twice", n)
	}
}

// A customer merged into another (its cuid now leads to the survivor, warning 8069) is followed: flow login
// and customer lookup continue with the survivor and say so.
func TestFlowLoginAndLookupFollowAMerge(t *testing.T) {
	p := newPlatform(t)
	p.link()
	expectCode(t, p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply"), 0)
	alice, _ := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "cuid", p.sub("alice"))
	other := p.emu.SeedCustomer(intouchemu.Customer{Profiles: []intouchemu.Profile{{Source: "INSTORE",
		Identifiers: []intouchemu.Identifier{{Type: "mobile", Value: "447700900999"}}}}})
	// The app's identifier change (step 2 of the seed's two-step change) adds a mobile the INSTORE customer
	// holds: alice's customer is merged into it.
	res, err := p.intouchClient().ChangeIdentifier(context.Background(), alice.ID, "OAUTH_EXTERNAL", "ciamctl-acme",
		intouch.ChangeIdentifierRequest{Add: []intouch.Identifier{{Type: "mobile", Value: "447700900999"}}})
	if err != nil || res.CreatedID != other.ID {
		t.Fatalf("merge: %+v %v", res, err)
	}

	login := p.run("flow", "login", "--brand", "acme", p.token("alice"), "-o", "json")
	expectCode(t, login, 0)
	r := decodeLogin(t, login.Stdout)
	if r.CustomerID == nil || *r.CustomerID != other.ID || !hasWarning(r.Warnings, 8069) ||
		!strings.Contains(strings.Join(r.Notes, "\n"), "was merged into customer") {
		t.Errorf("flow login did not follow the merge to %d: %s", other.ID, login.Stdout)
	}

	lookup := p.run("customer", "lookup", "--brand", "acme", "--cuid", p.sub("alice"), "-o", "json")
	expectCode(t, lookup, 0)
	var got struct {
		CustomerID int64          `json:"customerId"`
		Warnings   []intouch.Item `json:"warnings"`
		Notes      []string       `json:"notes"`
	}
	if err := json.Unmarshal([]byte(lookup.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.CustomerID != other.ID || !hasWarning(got.Warnings, 8069) || len(got.Notes) == 0 {
		t.Errorf("customer lookup: %s", lookup.Stdout)
	}
	text := p.run("customer", "lookup", "--brand", "acme", "--cuid", p.sub("alice"))
	if !strings.Contains(text.Stdout, "platform warning 8069") || !strings.Contains(text.Stdout, "merged into customer") {
		t.Errorf("customer lookup text:\n%s", text.Stdout)
	}
}
