package intouch

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// BasicAuthValue is the Authorization header value the platform expects: base64(username:md5hex(password)).
func BasicAuthValue(username, password string) string {
	sum := md5.Sum([]byte(password))
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(username+":"+hex.EncodeToString(sum[:])))
}

// HeaderOAuthToken carries the OAuth access token.
const HeaderOAuthToken = "X-CAP-API-OAUTH-TOKEN"

type tokenRequest struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

type tokenResponse struct {
	Data      *tokenData `json:"data"`
	tokenData            // some deployments answer without the data wrapper
}

type tokenData struct {
	AccessToken string `json:"accessToken"`
	TTLSeconds  int64  `json:"ttlSeconds"`
	ExpiresIn   int64  `json:"expiresIn"` // older name of ttlSeconds
}

func (c *Client) authFor(ctx context.Context, ep Endpoint) (header, value string, err error) {
	if !ep.Auth {
		return "", "", nil
	}
	switch c.cfg.AuthMode() {
	case AuthOAuth:
		tok, err := c.accessToken(ctx)
		return HeaderOAuthToken, tok, err
	case AuthBasic:
		return "Authorization", c.basic, nil
	}
	return "", "", fmt.Errorf("%w: no credentials configured", ErrConfig)
}

// accessToken returns the cached token, minting a new one when absent or close to expiry.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.tokenExp) {
		return c.token, nil
	}
	var res tokenResponse
	if _, err := c.call(ctx, EPTokenGenerate, nil, nil, tokenRequest{Key: c.cfg.ClientKey, Secret: c.cfg.ClientSecret}, &res); err != nil {
		if c.cfg.CredentialsFrom != "" {
			// Stored credentials: say which, so the fix (log in again) is clear.
			return "", fmt.Errorf("minting an OAuth token with the credentials of %s: %w", c.cfg.CredentialsFrom, err)
		}
		return "", fmt.Errorf("minting an OAuth token: %w", err)
	}
	d := res.tokenData
	if res.Data != nil {
		d = *res.Data
	}
	if d.AccessToken == "" {
		return "", fmt.Errorf("%w: the token endpoint answered without data.accessToken", ErrAuth)
	}
	c.addSecrets(d.AccessToken)
	ttl := d.TTLSeconds
	if ttl <= 0 {
		ttl = d.ExpiresIn
	}
	if ttl <= 0 {
		ttl = 60 // undocumented case: assume a short life rather than caching forever
	}
	life := time.Duration(ttl) * time.Second
	// Refresh early so a token never expires between our check and the platform's.
	margin := min(30*time.Second, life/5)
	c.token, c.tokenExp = d.AccessToken, c.now().Add(life-margin)
	return c.token, nil
}

// invalidateToken drops the cached token if it is still the one that was refused.
func (c *Client) invalidateToken(used string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == used {
		c.token = ""
	}
}

// Authenticate checks the credentials now (mints a token for OAuth; Basic is checked by the first call).
func (c *Client) Authenticate(ctx context.Context) error {
	if c.cfg.AuthMode() != AuthOAuth {
		return nil
	}
	_, err := c.accessToken(ctx)
	return err
}
