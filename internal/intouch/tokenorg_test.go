package intouch_test

import (
	"context"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// The credentials' org comes from the access token (org_id), from the reference-shaped sample and from the
// emulator alike; Basic credentials name none.
func TestCredentialsOrg(t *testing.T) {
	srv, _ := recordingServer(t, "token.generate.response.json")
	c, err := intouch.New(intouch.Config{BaseURL: srv.URL, OrgID: "999", ClientKey: "k", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if org, ok, err := c.CredentialsOrg(context.Background()); err != nil || !ok || org != "50123" {
		t.Errorf("sample token: %q %v %v", org, ok, err)
	}

	f := newFixture(t, intouchemu.Options{OrgID: "777"})
	if org, ok, err := f.client(t, nil).CredentialsOrg(context.Background()); err != nil || !ok || org != "777" {
		t.Errorf("emulator token: %q %v %v", org, ok, err)
	}
	if _, ok, err := basicClient(t, srv.URL).CredentialsOrg(context.Background()); ok || err != nil {
		t.Errorf("basic: %v %v", ok, err)
	}
}
