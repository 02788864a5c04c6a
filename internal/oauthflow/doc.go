// Package oauthflow gets tokens from a brand's CIAM the ways a native
// command-line app may (RFC 8252): the authorization code flow with PKCE
// over a loopback redirect, the device flow (RFC 8628), the password grant
// and client credentials, each only where discovery advertises it. The
// OAuth plumbing is golang.org/x/oauth2's, given our HTTP client through
// its context key so the URL and redirect rules apply to every request.
// Verifying the ID token is the caller's job (internal/oidc), with the
// nonce and access token this package returns.
package oauthflow
