package oauthflow

import (
	"context"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Password runs the resource owner password grant (RFC 6749 §4.3): test
// tenants only, since the password passes through this process.
func (c *Client) Password(ctx context.Context, username, password string) (*Tokens, error) {
	if err := checkEndpoint("token_endpoint", c.Provider.TokenEndpoint); err != nil {
		return nil, err
	}
	cfg, err := c.config("")
	if err != nil {
		return nil, err
	}
	var tok *oauth2.Token
	err = c.network(ctx, "the token request", func(ctx context.Context) error {
		var err error
		if tok, err = cfg.PasswordCredentialsToken(ctx, username, password); err != nil {
			return requestError(ctx, shown("token endpoint", c.Provider.TokenEndpoint), err, secrets(c.ClientSecret, password))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.tokens(tok, c.wantsIDToken())
}

// ClientCredentials runs the client credentials grant (RFC 6749 §4.4): the
// client proves it holds its secret and gets an access token for itself.
// No user signs in, so there is no ID token.
func (c *Client) ClientCredentials(ctx context.Context) (*Tokens, error) {
	if err := checkEndpoint("token_endpoint", c.Provider.TokenEndpoint); err != nil {
		return nil, err
	}
	style, err := c.authStyle()
	if err != nil {
		return nil, err
	}
	cfg := &clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.Provider.TokenEndpoint, Scopes: c.Scopes, AuthStyle: style}
	var tok *oauth2.Token
	err = c.network(ctx, "the token request", func(ctx context.Context) error {
		var err error
		if tok, err = cfg.Token(ctx); err != nil {
			return requestError(ctx, shown("token endpoint", c.Provider.TokenEndpoint), err, secrets(c.ClientSecret))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.tokens(tok, false)
}
