// Package ciamemu emulates a brand's CIAM (an OpenID Connect provider) for tests, `ciamctl sandbox` and
// `ciamctl demo`: discovery that advertises exactly what it offers, a JWKS with an RS256 and an ES256
// key (rotatable), and the ways a real CIAM hands out tokens to its one client: the authorization code
// flow with a minimal login page and PKCE (S256 only) to loopback redirect URIs on any port (RFC 8252),
// the password grant, the device flow (RFC 8628) with a verification page and an approval a test can
// drive, and client credentials for a confidential client. ID tokens echo the nonce and carry at_hash.
// It also serves userinfo, and admin calls change a user between logins.
package ciamemu
