package oauthflow

import (
	"context"
	"crypto/rand"
	"slices"

	"golang.org/x/oauth2"
)

// CodeOptions shape the authorization code flow.
type CodeOptions struct {
	Port int // loopback port; 0 for any free one
	// Prompt is called with the authorization URL once the listener is up:
	// the caller prints it and opens the browser.
	Prompt func(authURL string)
}

// Code runs the authorization code flow with PKCE (S256), state and nonce
// through a loopback redirect (RFC 8252): the person signs in in a browser,
// the CIAM redirects to 127.0.0.1 with a code, and the code is exchanged at
// the token endpoint. The returned Tokens carry the nonce and the code, to
// which the caller binds the ID token when verifying it.
func (c *Client) Code(ctx context.Context, o CodeOptions) (*Tokens, error) {
	p := c.Provider
	if err := checkEndpoint("authorization_endpoint", p.AuthorizationEndpoint); err != nil {
		return nil, err
	}
	if err := checkEndpoint("token_endpoint", p.TokenEndpoint); err != nil {
		return nil, err
	}
	if m := p.CodeChallengeMethodsSupported; m != nil && !slices.Contains(m, "S256") {
		return nil, refused("the CIAM's discovery lists code_challenge_methods_supported without S256; ciamctl uses PKCE with S256 only")
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()

	l, err := listenLoopback(o.Port, state)
	if err != nil {
		return nil, err
	}
	defer l.close()
	cfg, err := c.config(l.RedirectURI())
	if err != nil {
		return nil, err
	}
	o.Prompt(cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce)))

	code, err := l.wait(ctx, c.Wait, c.WaitName)
	if err != nil {
		return nil, err
	}
	var tok *oauth2.Token
	err = c.network(ctx, "the token request", func(ctx context.Context) error {
		var err error
		if tok, err = cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err != nil {
			return requestError(ctx, shown("token endpoint", p.TokenEndpoint), err, secrets(c.ClientSecret, code, verifier))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t, err := c.tokens(tok, c.wantsIDToken())
	if err != nil {
		return nil, err
	}
	t.Nonce, t.Code = nonce, code
	return t, nil
}
