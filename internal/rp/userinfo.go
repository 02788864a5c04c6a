package rp

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"

	"github.com/ciamctl/ciamctl/internal/mapping"
)

// Userinfo calls the userinfo endpoint with an access token (a Bearer GET, OpenID Connect Core §5.3.1)
// and returns the claims, numbers kept as json.Number. A 401 or 403 is ErrRefused: the CIAM does not
// accept the token (revoked, expired, or not an access token).
func Userinfo(ctx context.Context, client *http.Client, endpoint, accessToken string) (map[string]any, json.RawMessage, error) {
	u, err := CheckURL("userinfo endpoint", endpoint)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: userinfo endpoint %q: %v", ErrUnsafeURL, endpoint, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	res, body, err := do(client, req)
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, nil, failure(http.MethodGet, u, res, body)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt == "application/jwt" {
		return nil, nil, fmt.Errorf("%w: GET %s: the answer is a signed or encrypted JWT (application/jwt), which ciamctl does not read; ask for plain JSON userinfo", ErrRefused, shown(u))
	}
	claims, err := mapping.DecodeClaims(body)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: GET %s: the answer is not a JSON object of claims: %v", ErrRefused, shown(u), err)
	}
	return claims, json.RawMessage(body), nil
}
