// Package ciamemu emulates a brand's CIAM (an OpenID Connect provider) for tests, `ciamctl sandbox` and
// `ciamctl demo`: discovery, a JWKS with an RS256 and an ES256 key (rotatable), a token endpoint issuing
// ID and access tokens for seeded users, userinfo, and admin calls to change a user between logins.
package ciamemu
