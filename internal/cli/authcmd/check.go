package authcmd

import (
	"context"
	"fmt"

	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/profile"
)

// checked is what trying a profile's credentials against the platform
// showed.
type checked struct {
	// CredentialsOrg is the org the OAuth access token names ("" for basic).
	CredentialsOrg string
	// Note, when set, is worth a warning (an org other than the profile's).
	Note string
}

// checkCredentials tries p's credentials: OAuth mints an access token (the
// platform's own check of key and secret); basic credentials have no such
// call, so the org's channel accounts are listed.
func checkCredentials(ctx context.Context, client *intouch.Client, p *profile.Profile) (checked, error) {
	var out checked
	if p.Auth == profile.AuthBasic {
		_, err := client.ListChannelAccounts(ctx)
		return out, err
	}
	if err := client.Authenticate(ctx); err != nil {
		return out, err
	}
	// The token is minted: the credentials work. Its org (read from the
	// token, no further call) is worth knowing, not a reason to fail.
	orgs, err := client.Orgs(ctx)
	if err != nil {
		out.Note = "the access token names no org ciamctl can read: " + err.Error()
		return out, nil
	}
	out.CredentialsOrg = orgs.Credentials
	if orgs.ViaHeader {
		out.Note = fmt.Sprintf("the credentials act for org %s, not org %s: calls carry %s: %s, which the platform allows only for a parent org's credentials",
			orgs.Credentials, p.OrgID, intouch.HeaderActOnOrg, p.OrgID)
	}
	return out, nil
}

// identity names the credentials without their secret.
func identity(p *profile.Profile) string {
	if p.Auth == profile.AuthBasic {
		return fmt.Sprintf("username %q", p.Username)
	}
	return fmt.Sprintf("client key %q", p.ClientKey)
}
