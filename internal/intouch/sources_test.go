package intouch_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// An account ID is looked for by itself: an account whose name matches (in any case) never stands in for it.
func TestFindOAuthExternalByIDIgnoresNames(t *testing.T) {
	all := []intouch.ChannelAccount{
		{SourceTypeName: "OAUTH_EXTERNAL", SourceAccountIdentifier: "acme-oauth", Name: "Acme CIAM", IsActive: true},
		{SourceTypeName: "oauth_external", SourceAccountIdentifier: "acme-2", Name: "Second"},
	}
	if got, ok := intouch.FindOAuthExternal(all, "acme-new", "acme ciam"); ok {
		t.Errorf("account ID acme-new found as %+v", got)
	}
	if got, ok := intouch.FindOAuthExternal(all, "acme-2", "acme ciam"); !ok || got.SourceAccountIdentifier != "acme-2" {
		t.Errorf("by ID: %+v %v", got, ok)
	}
	if got, ok := intouch.FindOAuthExternal(all, "", "acme ciam"); !ok || got.SourceAccountIdentifier != "acme-oauth" {
		t.Errorf("by name: %+v %v", got, ok)
	}
}

// 3220 on create lists again: the account of the asked ID is used (and marked as not created); an account that
// only shares the name is an error naming both IDs, not a silent switch to it.
func TestCreateChannelAccount3220(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	ctx := context.Background()
	f.emu.AddSource(intouchemu.Source{Name: "Acme CIAM", SourceAccountIdentifier: "acme-oauth", SourceTypeName: "OAUTH_EXTERNAL", IsActive: true})
	exists := intouchemu.Fault{Status: 400, Code: 3220, Message: "Org source already exists with the given values"}

	f.emu.InjectFaults("POST /v2/org/{orgId}/sources", exists)
	acc, err := c.CreateChannelAccount(ctx, "Anything", "acme-oauth")
	if err != nil || acc.SourceAccountIdentifier != "acme-oauth" || !acc.Existed {
		t.Fatalf("same ID: %+v %v", acc, err)
	}

	f.emu.InjectFaults("POST /v2/org/{orgId}/sources", exists)
	_, err = c.CreateChannelAccount(ctx, "acme ciam", "acme-new")
	var se *intouch.SourceExistsError
	if !errors.As(err, &se) || se.Existing.SourceAccountIdentifier != "acme-oauth" || !errors.Is(err, intouch.ErrRejected) {
		t.Fatalf("same name, other ID: %v", err)
	}
}
