package oauthflow

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// Client is one OAuth client of one CIAM, as a brand describes it.
type Client struct {
	// HTTP sends every request (nil: http.DefaultClient); it is copied with
	// urlpolicy.CheckRedirectGETOnly, never changed: every request here is a
	// POST carrying a secret, a password, a code or a device code, and
	// follows no redirect (as rp's calls with a user's tokens).
	HTTP     *http.Client
	Provider *oidc.Provider
	ClientID string
	// ClientSecret makes the client confidential (client_secret_basic, or
	// client_secret_post when that is all the CIAM accepts).
	ClientSecret string
	Scopes       []string
	// Budget is the command's network time (--timeout): every request
	// draws on it; the time a person takes to sign in or approve is not
	// network work and is not drawn.
	Budget   *deadline.Budget
	Wait     time.Duration // time for a person to sign in or approve
	WaitName string        // the setting that gives Wait, for messages (e.g. "--login-timeout")
}

// Tokens is what a flow got. Nonce and Code are what the ID token must be
// bound to (empty where the flow has none).
type Tokens struct {
	IDToken      string
	AccessToken  string
	RefreshToken string
	TokenType    string
	Scope        string
	ExpiresIn    int64
	Nonce        string
	Code         string
}

func (c *Client) httpClient(ctx context.Context) *http.Client {
	base := c.HTTP
	if base == nil {
		base = http.DefaultClient
	}
	cp := *base
	cp.CheckRedirect = urlpolicy.CheckRedirectGETOnly
	// x/oauth2 sends the device authorization request without ctx: the
	// client's own timeout keeps it within the deadline too.
	if dl, ok := ctx.Deadline(); ok {
		cp.Timeout = time.Until(dl)
	}
	return &cp
}

// withClient hands x/oauth2 our client for the requests made under ctx.
func (c *Client) withClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.httpClient(ctx))
}

// authStyle picks how the client authenticates at the token endpoint:
// client_secret_basic (the default of OIDC Discovery and RFC 6749 §2.3.1's
// must-support), client_secret_post when that is all the CIAM accepts, and
// for a public client its client_id in the body. Never auto-detection,
// which retries a failed request the other way (a code is spent once).
func (c *Client) authStyle() (oauth2.AuthStyle, error) {
	if c.ClientSecret == "" {
		return oauth2.AuthStyleInParams, nil
	}
	methods := c.Provider.TokenEndpointAuthMethodsSupported
	switch {
	case methods == nil, slices.Contains(methods, "client_secret_basic"):
		return oauth2.AuthStyleInHeader, nil
	case slices.Contains(methods, "client_secret_post"):
		return oauth2.AuthStyleInParams, nil
	}
	return 0, refused("the CIAM accepts client authentication by %s; ciamctl sends a client secret (client_secret_basic or client_secret_post)",
		strings.Join(methods, ", "))
}

func (c *Client) config(redirect string) (*oauth2.Config, error) {
	style, err := c.authStyle()
	if err != nil {
		return nil, err
	}
	p := c.Provider
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:       p.AuthorizationEndpoint,
			TokenURL:      p.TokenEndpoint,
			DeviceAuthURL: p.DeviceAuthorizationEndpoint,
			AuthStyle:     style,
		},
		RedirectURL: redirect,
		Scopes:      c.Scopes,
	}, nil
}

// network runs one request within the budget, with our HTTP client.
func (c *Client) network(ctx context.Context, what string, fn func(context.Context) error) error {
	ctx, done, err := c.Budget.Start(ctx, what)
	if err != nil {
		return budgetError(err)
	}
	defer done()
	return fn(c.withClient(ctx))
}

// tokens converts x/oauth2's token. An ID token is required when the scope
// asked for one (openid).
func (c *Client) tokens(tok *oauth2.Token, wantID bool) (*Tokens, error) {
	t := &Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType, ExpiresIn: tok.ExpiresIn}
	if s, ok := tok.Extra("id_token").(string); ok {
		t.IDToken = s
	}
	if s, ok := tok.Extra("scope").(string); ok {
		t.Scope = s
	}
	if wantID && t.IDToken == "" {
		return nil, refused("%s: the answer has no id_token (the scope asked for was %q; an ID token needs openid, and the CIAM must grant it to this client)",
			shown("token endpoint", c.Provider.TokenEndpoint), strings.Join(c.Scopes, " "))
	}
	return t, nil
}

func (c *Client) wantsIDToken() bool { return slices.Contains(c.Scopes, "openid") }
