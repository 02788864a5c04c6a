package rp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Client is the OAuth client a logout or revocation is made for. Secret is empty for a public client,
// which then identifies itself with client_id in the form (RFC 7009 §2.1, RFC 6749 §2.3).
type Client struct {
	ID     string
	Secret string
	// RevocationAuthMethods is what discovery advertises for the revocation endpoint
	// (revocation_endpoint_auth_methods_supported); nil when it says nothing, which RFC 8414 §2 makes
	// client_secret_basic.
	RevocationAuthMethods []string
}

// Client authentication methods, as discovery names them.
const (
	AuthSecretBasic = "client_secret_basic"
	AuthSecretPost  = "client_secret_post"
	AuthNone        = "none"
)

// RevocationAuth is how Revoke authenticates the client: none for a public client (its client_id in
// the form), otherwise client_secret_basic (RFC 6749 §2.3.1's must-support) unless the endpoint
// advertises client_secret_post and not Basic. A client with a secret whose endpoint takes neither is
// ErrRefused, before anything is sent.
func (c Client) RevocationAuth() (string, error) {
	methods := c.RevocationAuthMethods
	switch {
	case c.Secret == "":
		return AuthNone, nil
	case methods == nil, slices.Contains(methods, AuthSecretBasic):
		return AuthSecretBasic, nil
	case slices.Contains(methods, AuthSecretPost):
		return AuthSecretPost, nil
	}
	offered := "no method at all"
	if len(methods) > 0 {
		offered = strings.Join(methods, ", ")
	}
	return "", fmt.Errorf("%w: its revocation_endpoint takes client authentication by %s; ciamctl sends a client secret (client_secret_basic or client_secret_post)",
		ErrRefused, offered)
}

// EndSessionResult is the CIAM's answer to an RP-initiated logout.
type EndSessionResult struct {
	Status int
	// Location is where a 3xx answer sends the browser, without its query.
	Location string
}

// EndSession asks the CIAM to end the user's session (RP-Initiated Logout 1.0 §2): a GET of the
// end_session_endpoint with id_token_hint and client_id. The browser's redirect that normally follows
// is not followed: any 2xx or 3xx answer is the CIAM accepting the logout.
func EndSession(ctx context.Context, client *http.Client, endpoint, idTokenHint string, c Client) (EndSessionResult, error) {
	u, err := CheckURL("end_session_endpoint", endpoint)
	if err != nil {
		return EndSessionResult{}, err
	}
	q := u.Query()
	q.Set("id_token_hint", idTokenHint)
	if c.ID != "" {
		q.Set("client_id", c.ID)
	}
	withQuery := *u
	withQuery.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, withQuery.String(), nil)
	if err != nil {
		return EndSessionResult{}, fmt.Errorf("%w: end_session_endpoint %q: %v", ErrUnsafeURL, endpoint, err)
	}
	// Not followed: the redirect is for the user's browser (and may leave the CIAM's origin).
	noFollow := *guarded(client)
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, body, err := do(&noFollow, req)
	if err != nil {
		return EndSessionResult{}, err
	}
	out := EndSessionResult{Status: res.StatusCode}
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return out, nil
	case res.StatusCode >= 300 && res.StatusCode < 400:
		if loc, err := url.Parse(res.Header.Get("Location")); err == nil {
			out.Location = shown(u.ResolveReference(loc))
		}
		return out, nil
	}
	return out, failure(http.MethodGet, u, res, body)
}

// Revoke revokes a token (RFC 7009 §2.1): a POST of token and token_type_hint ("access_token" or
// "refresh_token") with the client's authentication. A 200 means the token is no longer valid, whether
// or not the CIAM knew it (§2.2).
func Revoke(ctx context.Context, client *http.Client, endpoint, token, typeHint string, c Client) error {
	u, err := CheckURL("revocation_endpoint", endpoint)
	if err != nil {
		return err
	}
	method, err := c.RevocationAuth()
	if err != nil {
		return err
	}
	form := url.Values{"token": {token}}
	if typeHint != "" {
		form.Set("token_type_hint", typeHint)
	}
	switch method {
	case AuthNone:
		form.Set("client_id", c.ID)
	case AuthSecretPost:
		form.Set("client_id", c.ID)
		form.Set("client_secret", c.Secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("%w: revocation_endpoint %q: %v", ErrUnsafeURL, endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if method == AuthSecretBasic {
		// RFC 6749 §2.3.1 form-encodes both parts first.
		req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	}
	res, body, err := do(client, req)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return failure(http.MethodPost, u, res, body)
	}
	return nil
}
