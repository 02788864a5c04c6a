// Package ciamemu emulates a brand's CIAM (an OpenID Connect provider) for tests, `ciamctl sandbox` and
// `ciamctl demo`: discovery, a JWKS with an RS256 and an ES256 key (rotatable), a token endpoint issuing
// ID and access tokens for seeded users, userinfo, RP-initiated logout (end_session_endpoint), token
// revocation (RFC 7009), an admin API that changes a user between logins (PATCH /admin/users/{login}
// with the emulator's admin token), and a request log for tests.
package ciamemu
