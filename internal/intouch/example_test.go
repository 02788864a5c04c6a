package intouch_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/mapping"
)

// Example_loginFlow is the gateway's login/profile-update flow against both emulators, in process:
// link the channel, log a CIAM user in, map the token, look the customer up by cuid, create it, then
// change the user in the CIAM and apply the differences on the second login.
func Example_loginFlow() {
	ctx := context.Background()
	ciam := ciamemu.New(ciamemu.Options{Issuer: "https://id.acme.example", ClientID: "acme-loyalty"})
	emu := intouchemu.New(intouchemu.Options{})
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()

	o := emu.Options()
	client, err := intouch.New(intouch.Config{BaseURL: srv.URL, OrgID: o.OrgID, ClientKey: o.ClientKey, ClientSecret: o.ClientSecret})
	if err != nil {
		panic(err)
	}
	acc, err := client.CreateChannelAccount(ctx, "acme loyalty", "acme-oauth")
	if err != nil {
		panic(err)
	}
	mappings := map[string]string{"firstname": "given_name", "lastname": "family_name", "email": "/contact/email",
		"mobile": ciamemu.MobileClaim(ciam.Issuer())}

	login := func() {
		tok, err := ciam.IssueTokens("alice", ciamemu.TokenOptions{})
		if err != nil {
			panic(err)
		}
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok.IDToken, ".")[1]) // verification is package oidc's job
		res, err := mapping.RunJSON(payload, mappings, acc.SourceAccountIdentifier)
		if err != nil || !res.OK {
			panic(fmt.Sprint(err, res.Problems))
		}
		cuid := res.Profile.CUID()
		id, found, err := client.LookupCustomer(ctx, intouch.SourceOAuthExternal, acc.SourceAccountIdentifier, intouch.IdentifierCUID, cuid)
		if err != nil {
			panic(err)
		}
		if !found {
			nc := intouch.NewCustomer{CUID: cuid, FirstName: res.Profile.FirstName, LastName: res.Profile.LastName,
				Mobile: res.Profile.Mobile, Email: res.Profile.Email, AccountID: acc.SourceAccountIdentifier}
			created, err := client.AddCustomer(ctx, intouch.BuildAddCustomer(nc))
			if err != nil {
				panic(err)
			}
			fmt.Println("created customer", created.CreatedID)
			return
		}
		cust, err := client.GetCustomer(ctx, id, intouch.SourceOAuthExternal, acc.SourceAccountIdentifier)
		if err != nil {
			panic(err)
		}
		p, _ := cust.Profile(intouch.SourceOAuthExternal, acc.SourceAccountIdentifier)
		changes := mapping.Diff(p, res.Profile)
		for _, c := range changes {
			fmt.Printf("customer %d: %s %q -> %q\n", id, c.Field, c.Old, c.New)
		}
		if up, ok := changes.ProfileUpdate(); ok {
			if _, err := client.UpdateCustomer(ctx, id, intouch.SourceOAuthExternal, acc.SourceAccountIdentifier, up); err != nil {
				panic(err)
			}
		}
		if ic, ok := changes.IdentifierChange(); ok {
			if _, err := client.ChangeIdentifier(ctx, id, intouch.SourceOAuthExternal, acc.SourceAccountIdentifier, ic); err != nil {
				panic(err)
			}
		}
	}

	login()
	alice, _ := ciam.FindUser("alice")
	ciam.UpdateUser(alice.Sub, func(u *ciamemu.User) { u.FamilyName = "Anders-Berg"; u.Email = "alice.berg@example.com" })
	login()
	login() // nothing left to change

	c, _ := emu.FindCustomer("OAUTH_EXTERNAL", "acme-oauth", "cuid", alice.Sub)
	p := c.Profiles[0]
	fmt.Println(p.FirstName, p.LastName, p.Identifiers[1:])
	// Output:
	// created customer 1001
	// customer 1001: lastname "Anders" -> "Anders-Berg"
	// customer 1001: email "alice@example.com" -> "alice.berg@example.com"
	// Alice Anders-Berg [{mobile 447700900001} {email alice.berg@example.com}]
}
