package intouch

import (
	"context"
	"fmt"
)

// HeaderActOnOrg lets a parent org's credentials act on one of its child orgs (the org-hierarchy reference).
const HeaderActOnOrg = "X-CAP-API-AUTH-ORG-ID"

// The org of every call is the credentials' org: with OAuth the access token's org_id. When the org the command
// is for (--org-id, CIAMCTL_INTOUCH_ORG_ID, the brand's orgId) differs, the client sends X-CAP-API-AUTH-ORG-ID
// with it on every authenticated call, as the reference documents for parent and child orgs. It does so without
// a flag: the org is named in a reviewed brand file or by the user, and the platform, not ciamctl, decides
// whether these credentials may act on it (a refusal is an error naming both orgs). Basic credentials carry no
// org ciamctl can read, so nothing is sent and the org of customer calls cannot be checked.

// actOnOrg is the org to send in X-CAP-API-AUTH-ORG-ID with a call: the configured org when the access token
// names another one, else "".
func (c *Client) actOnOrg(ep Endpoint, authHeader, authValue string) string {
	if !ep.Auth || authHeader != HeaderOAuthToken || c.cfg.OrgID == "" {
		return ""
	}
	org, err := tokenOrg(authValue)
	if err != nil || org == c.cfg.OrgID {
		return "" // a token whose org cannot be read is the platform's to judge
	}
	return c.cfg.OrgID
}

// actOnRefusedHint explains a 401/403 to a call that carried X-CAP-API-AUTH-ORG-ID: both orgs, and the ways out.
func (c *Client) actOnRefusedHint(token, target string) string {
	cred, _ := tokenOrg(token)
	return fmt.Sprintf("the credentials act for org %s and the command is for org %s: the platform refused to act on org %s for them (%s: only a parent org's credentials may act on a child org); use org %s's own credentials, or check the org (--org-id, %s, the brand's orgId)",
		cred, target, target, HeaderActOnOrg, target, EnvOrgID)
}

// OrgCheck says which org the credentials act for and how calls reach the org the command is for.
type OrgCheck struct {
	Target string // the org the command is for ("" when none is configured)
	// Credentials is the org the OAuth access token names; "" with Basic credentials, which carry none.
	Credentials string
	// ViaHeader: the two differ, so calls carry X-CAP-API-AUTH-ORG-ID: Target.
	ViaHeader bool
}

// Known reports whether the credentials' org could be read (OAuth).
func (o OrgCheck) Known() bool { return o.Credentials != "" }

// Orgs mints a token if needed and reports the orgs involved; it makes no other call.
func (c *Client) Orgs(ctx context.Context) (OrgCheck, error) {
	out := OrgCheck{Target: c.cfg.OrgID}
	org, ok, err := c.CredentialsOrg(ctx)
	if err != nil || !ok {
		return out, err
	}
	out.Credentials = org
	out.ViaHeader = out.Target != "" && org != out.Target
	return out, nil
}
