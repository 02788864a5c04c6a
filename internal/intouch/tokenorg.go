package intouch

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// CredentialsOrg returns the org the OAuth credentials act for: the org_id claim of the access token (a JWT,
// per the OAuth reference). Customer calls act on that org, whatever the brand's orgId says. The token is
// only read, not verified: the platform is the one that trusts it. ok is false with Basic credentials,
// which carry no org.
func (c *Client) CredentialsOrg(ctx context.Context) (org string, ok bool, err error) {
	if c.cfg.AuthMode() != AuthOAuth {
		return "", false, nil
	}
	tok, err := c.accessToken(ctx)
	if err != nil {
		return "", false, err
	}
	org, err = tokenOrg(tok)
	if err != nil {
		return "", false, fmt.Errorf("%w: reading the org of the access token: %w", ErrAuth, err)
	}
	return org, true, nil
}

func tokenOrg(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("the access token is not a JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", fmt.Errorf("the access token's payload is not base64url: %w", err)
	}
	var claims struct {
		OrgID json.RawMessage `json:"org_id"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", fmt.Errorf("the access token's payload is not JSON: %w", err)
	}
	id, err := parseID("org_id", claims.OrgID, true)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(id), nil
}
