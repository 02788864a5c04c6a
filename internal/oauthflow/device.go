package oauthflow

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// DevicePrompt is what the person is asked to do on another device.
type DevicePrompt struct {
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string // includes the code; may be empty
	Expires                 time.Time
}

// Device runs the device authorization flow (RFC 8628): the CIAM hands out
// a user code, prompt shows it with the verification URI, and the token
// endpoint is polled at the interval the CIAM asks for until the person
// approves, denies, or the code or c.Wait runs out.
func (c *Client) Device(ctx context.Context, prompt func(DevicePrompt)) (*Tokens, error) {
	p := c.Provider
	if err := checkEndpoint("device_authorization_endpoint", p.DeviceAuthorizationEndpoint); err != nil {
		return nil, err
	}
	if err := checkEndpoint("token_endpoint", p.TokenEndpoint); err != nil {
		return nil, err
	}
	cfg, err := c.config("")
	if err != nil {
		return nil, err
	}
	var da *oauth2.DeviceAuthResponse
	err = c.network(ctx, "the device authorization request", func(ctx context.Context) error {
		hc := c.httpClient(ctx)
		var opts []oauth2.AuthCodeOption
		if c.ClientSecret != "" {
			// x/oauth2 sends only client_id here; a confidential client
			// authenticates as at the token endpoint (RFC 8628 §3.1).
			if cfg.Endpoint.AuthStyle == oauth2.AuthStyleInHeader {
				hc.Transport = basicAuth{next: transport(hc), id: c.ClientID, secret: c.ClientSecret}
			} else {
				opts = append(opts, oauth2.SetAuthURLParam("client_secret", c.ClientSecret))
			}
		}
		var err error
		if da, err = cfg.DeviceAuth(context.WithValue(ctx, oauth2.HTTPClient, hc), opts...); err != nil {
			return requestError(ctx, shown("device authorization endpoint", p.DeviceAuthorizationEndpoint), err, secrets(c.ClientSecret))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if da.VerificationURI == "" || da.UserCode == "" || da.DeviceCode == "" {
		return nil, refused("%s: the answer lacks device_code, user_code or verification_uri", shown("device authorization endpoint", p.DeviceAuthorizationEndpoint))
	}
	// The URIs are opened by the person, maybe on another device: they
	// follow the rule all the same.
	if _, err := urlpolicy.Check(da.VerificationURI); err != nil {
		return nil, refused("%s: its verification_uri %s: %v", shown("device authorization endpoint", p.DeviceAuthorizationEndpoint), redact.URL(da.VerificationURI), err)
	}
	if _, err := urlpolicy.Check(da.VerificationURIComplete); da.VerificationURIComplete != "" && err != nil {
		da.VerificationURIComplete = ""
	}
	prompt(DevicePrompt{UserCode: da.UserCode, VerificationURI: da.VerificationURI, VerificationURIComplete: da.VerificationURIComplete, Expires: da.Expiry})

	// Polling is part of the person's time (c.Wait), not the network budget;
	// each poll is a request like any other, with our client and rules.
	wait, cancel := context.WithTimeout(ctx, c.Wait)
	defer cancel()
	tok, err := cfg.DeviceAccessToken(c.withClient(wait), da)
	if err != nil {
		var re *oauth2.RetrieveError
		switch {
		case errors.As(err, &re) && re.ErrorCode == "access_denied":
			return nil, refused("the device was denied at %s", redact.URL(da.VerificationURI))
		case errors.As(err, &re) && re.ErrorCode == "expired_token":
			return nil, unavailable("the user code expired before the device was approved")
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			if !da.Expiry.IsZero() && !time.Now().Before(da.Expiry) {
				return nil, unavailable("the user code expired before the device was approved")
			}
			return nil, unavailable("the device was not approved within %s %s", c.WaitName, c.Wait)
		}
		return nil, requestError(wait, shown("token endpoint", p.TokenEndpoint), err, secrets(c.ClientSecret, da.DeviceCode))
	}
	return c.tokens(tok, c.wantsIDToken())
}

// basicAuth adds a confidential client's credentials to the device
// authorization request, form-encoded first as RFC 6749 §2.3.1 says.
type basicAuth struct {
	next       http.RoundTripper
	id, secret string
}

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(url.QueryEscape(b.id), url.QueryEscape(b.secret))
	return b.next.RoundTrip(r)
}

func transport(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}
