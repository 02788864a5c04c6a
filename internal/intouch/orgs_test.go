package intouch_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// Parent-org credentials act on the configured child org through X-CAP-API-AUTH-ORG-ID: sources and customers
// of the child are reached, and the trace shows the header.
func TestParentCredentialsActOnTheChildOrg(t *testing.T) {
	f := newFixture(t, intouchemu.Options{OrgID: "50123", CredentialsOrgID: "100", CredentialsOrgIsParent: true})
	c := f.client(t, nil)
	ctx := context.Background()
	orgs, err := c.Orgs(ctx)
	if err != nil || orgs.Credentials != "100" || orgs.Target != "50123" || !orgs.ViaHeader {
		t.Fatalf("%+v %v", orgs, err)
	}
	acc := f.linkAccount(t, c)
	if _, err := c.AddCustomer(ctx, newCustomer(acc, "2b7c3c1e-0000-4000-8000-0000000000aa")); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.emu.FindCustomer("OAUTH_EXTERNAL", acc, "cuid", "2b7c3c1e-0000-4000-8000-0000000000aa"); !ok {
		t.Error("the customer is not in the child org")
	}
	if !strings.Contains(f.debug.String(), `X-Cap-Api-Auth-Org-Id="50123"`) {
		t.Errorf("trace lacks the header:\n%s", f.debug.String())
	}
}

// The same org as the token's: no header.
func TestNoActOnHeaderForTheCredentialsOwnOrg(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	if _, err := c.ListChannelAccounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if orgs, _ := c.Orgs(context.Background()); orgs.ViaHeader || strings.Contains(f.debug.String(), "Auth-Org-Id") {
		t.Errorf("%+v\n%s", orgs, f.debug.String())
	}
}

// Credentials of an org that is not the configured org's parent: the refusal names both orgs and the way out.
func TestActOnRefusedNamesBothOrgs(t *testing.T) {
	f := newFixture(t, intouchemu.Options{OrgID: "50123", CredentialsOrgID: "777"})
	c := f.client(t, nil)
	_, err := c.ListChannelAccounts(context.Background())
	if !errors.Is(err, intouch.ErrAuth) {
		t.Fatalf("want an auth failure: %v", err)
	}
	for _, want := range []string{"the credentials act for org 777 and the command is for org 50123", "X-CAP-API-AUTH-ORG-ID", "only a parent org's credentials may act on a child org"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// Basic credentials carry no org: nothing is sent, and the check says the org is not known.
func TestBasicCredentialsOrgIsUnknown(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, func(cfg *intouch.Config) {
		cfg.ClientKey, cfg.ClientSecret = "", ""
		cfg.Username, cfg.Password = f.emu.Options().Username, f.emu.Options().Password
	})
	orgs, err := c.Orgs(context.Background())
	if err != nil || orgs.Known() || orgs.ViaHeader {
		t.Errorf("%+v %v", orgs, err)
	}
}
