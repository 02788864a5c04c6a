package oauthflow

import (
	"fmt"

	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// Every URL this package sends a request to, or has a person open, follows
// the one URL rule (urlpolicy.Check: absolute http(s), no credentials in
// it, https unless the host is loopback), as the rest of ciamctl does; its
// requests (all POSTs with a secret in the body) follow no redirect, as
// internal/rp's do (urlpolicy.CheckRedirectGETOnly). URLs are shown
// redacted (redact.URL).

// checkEndpoint applies the rule to a URL named by discovery (e.g.
// "token_endpoint"). A URL that breaks it is a fault of the CIAM's
// document (exit 1), like a discovery document for another issuer.
func checkEndpoint(name, raw string) error {
	if raw == "" {
		return fmt.Errorf("discovery names no %s%w", name, marker{oidc.ErrMismatch})
	}
	if _, err := urlpolicy.Check(raw); err != nil {
		return fmt.Errorf("discovery's %s %s: %v%w", name, redact.URL(raw), err, marker{oidc.ErrMismatch})
	}
	return nil
}

// shown is how an endpoint appears in messages: query values and any
// credentials hidden.
func shown(name, raw string) string { return name + " " + redact.URL(raw) }
