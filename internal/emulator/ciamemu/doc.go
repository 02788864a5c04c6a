// Package ciamemu emulates a brand's CIAM (an OpenID Connect provider) for tests, `ciamctl sandbox` and
// `ciamctl demo`: discovery that advertises exactly what it offers, a JWKS with an RS256 and an ES256
// key (rotatable), and the ways a real CIAM hands out tokens to its one client: the authorization code
// flow with a minimal login page and PKCE (S256 only) to loopback redirect URIs on any port (RFC 8252),
// the password grant, the device flow (RFC 8628) with a verification page and an approval a test can
// drive, client credentials for a confidential client, and refresh tokens (rotated on use). ID tokens
// echo the nonce and carry at_hash.
// It also serves userinfo, RP-initiated logout (end_session_endpoint), token revocation (RFC 7009), an
// admin API that changes a user between logins (PATCH /admin/users/{login} with the emulator's admin
// token), and a request log for tests.
package ciamemu
