package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/redact"
)

// ErrUnavailable marks network and I/O failures (exit code 3). It is the
// same sentinel as jwks.ErrUnavailable, so one errors.Is covers both.
var ErrUnavailable = jwks.ErrUnavailable

// ErrMismatch marks a discovery document that was fetched but is wrong:
// not JSON, another issuer, no jwks_uri.
var ErrMismatch = errors.New("discovery document mismatch")

// Provider is what discovery tells us about an OpenID Provider.
type Provider struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	UserinfoEndpoint                 string   `json:"userinfo_endpoint,omitempty"`
	TokenEndpoint                    string   `json:"token_endpoint,omitempty"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported,omitempty"`
	// EndSessionEndpoint (RP-Initiated Logout 1.0) and RevocationEndpoint (RFC 7009, named in discovery
	// by RFC 8414's metadata) are "" when the provider does not publish them.
	EndSessionEndpoint string `json:"end_session_endpoint,omitempty"`
	RevocationEndpoint string `json:"revocation_endpoint,omitempty"`
	OAuth                     // the endpoints and grants for getting tokens (token fetch)
}

// DiscoveryError names the document URL and one-line cause.
type DiscoveryError struct {
	URL   string
	Cause string
	Kind  error // ErrUnavailable, ErrMismatch, or jwks.ErrBadLocation for a refused issuer URL
	Err   error
}

func (e *DiscoveryError) Error() string { return "discovery " + e.URL + ": " + e.Cause }

func (e *DiscoveryError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// WellKnownURL is the discovery document URL for issuer (OIDC Discovery §4).
func WellKnownURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// Discover fetches and checks the issuer's discovery document. The
// document's issuer must equal the one asked for exactly (OIDC Discovery
// §4.3), which is what stops a look-alike document from redirecting trust.
func Discover(ctx context.Context, client *http.Client, issuer string) (*Provider, error) {
	url := WellKnownURL(issuer)
	shown := redact.URL(url) // errors never show credentials or query values
	if _, err := httpget.CheckURL(issuer); err != nil {
		return nil, &DiscoveryError{URL: shown, Cause: "issuer refused: " + err.Error(), Kind: jwks.ErrBadLocation, Err: err}
	}
	start := time.Now()
	resp, err := httpget.Get(ctx, client, url, nil, httpget.MaxBody)
	if err != nil {
		cause := err.Error()
		if name, ok := deadline.Named(ctx); ok && errors.Is(err, context.DeadlineExceeded) {
			cause += " (" + name + ")" // which limit ran out, e.g. --timeout 10s
		} else if dl, ok := ctx.Deadline(); ok && errors.Is(err, context.DeadlineExceeded) {
			// Say how long was allowed, as a JWKS timeout does.
			cause += " (after " + dl.Sub(start).Round(time.Millisecond).String() + ")"
		}
		return nil, &DiscoveryError{URL: shown, Cause: cause, Kind: ErrUnavailable, Err: err}
	}
	bad := func(format string, args ...any) (*Provider, error) {
		return nil, &DiscoveryError{URL: shown, Cause: fmt.Sprintf(format, args...), Kind: ErrMismatch}
	}
	if resp.StatusCode == http.StatusNotModified {
		return bad("unexpected 304 Not Modified")
	}

	var doc struct {
		Issuer           *string         `json:"issuer"`
		JWKSURI          *string         `json:"jwks_uri"`
		UserinfoEndpoint *string         `json:"userinfo_endpoint"`
		TokenEndpoint    *string         `json:"token_endpoint"`
		Algs             json.RawMessage `json:"id_token_signing_alg_values_supported"`
		EndSession       *string         `json:"end_session_endpoint"`
		Revocation       *string         `json:"revocation_endpoint"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return bad("field %q has the wrong type", typeErr.Field)
		}
		return bad("not a JSON object: %v", err)
	}
	switch {
	case doc.Issuer == nil:
		return bad(`no "issuer"`)
	case *doc.Issuer != issuer:
		return bad("document is for issuer %q, not %q", truncate(redact.URL(*doc.Issuer), 200), redact.URL(issuer))
	case doc.JWKSURI == nil || *doc.JWKSURI == "":
		return bad(`no "jwks_uri"`)
	}
	if _, err := httpget.CheckURL(*doc.JWKSURI); err != nil {
		return bad("jwks_uri: %v", err)
	}
	p := &Provider{Issuer: *doc.Issuer, JWKSURI: *doc.JWKSURI}
	p.readOAuth(resp.Body)
	if doc.UserinfoEndpoint != nil {
		p.UserinfoEndpoint = *doc.UserinfoEndpoint
	}
	if doc.TokenEndpoint != nil {
		p.TokenEndpoint = *doc.TokenEndpoint
	}
	if doc.EndSession != nil {
		p.EndSessionEndpoint = *doc.EndSession
	}
	if doc.Revocation != nil {
		p.RevocationEndpoint = *doc.Revocation
	}
	if len(doc.Algs) > 0 && !bytes.Equal(doc.Algs, []byte("null")) {
		if err := json.Unmarshal(doc.Algs, &p.IDTokenSigningAlgValuesSupported); err != nil {
			return bad("id_token_signing_alg_values_supported is not an array of strings")
		}
	}
	return p, nil
}
