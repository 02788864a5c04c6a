// Package oidc discovers OpenID Providers and verifies ID tokens against a
// fixed policy, reporting every check so users can see why a token fails.
//
// Decisions worth knowing:
//   - Keys come only from the configured key set. The token's jwk, jku, x5u
//     and x5c headers are ignored for key selection and nothing they point to
//     is fetched.
//   - "none" (any case) and HS* are always refused as alg_not_allowed, even
//     when a Policy lists them; a key's own alg, when set, must equal the
//     header alg, and the key type/curve must fit it (also alg_not_allowed).
//   - A kid missing from the set triggers one forced refresh per Verify (one
//     per VerifyBatch), then fails unknown_kid. A token without kid but with
//     x5t or x5t#S256 (Azure AD v1) is matched against the set's keys' x5t
//     members and their x5c[0] thumbprints; an unmatched thumbprint also
//     triggers the one refresh, then fails no_matching_key (when the set
//     publishes no thumbprints at all, the token is tried as without kid).
//     Other tokens without kid are tried against at most MaxKeyCandidates
//     fitting keys, without refresh; when more keys fit and none of those
//     tried verifies, the reason is no_matching_key, not bad_signature,
//     since the key could not be picked.
//   - Header and payload must each be one JSON object in valid UTF-8, with
//     unique member names (compared decoded) and at most MaxJSONDepth levels;
//     alg, kid and cty, when present, must be strings (null is not one).
//   - Header "crit" with any extension, "b64", and "cty": "JWT" (nested
//     tokens) are reported as malformed: this verifier implements none of them.
//   - Explicit typing (RFC 8725 §3.11): a "typ" other than JWT or
//     application/jwt (any case) fails the type check as wrong_type, so an
//     access token (at+jwt), logout token (logout+jwt) or security event
//     token is never taken for an ID token; no typ is fine.
//   - exp, iat (OIDC Core 3.1.3.7) and a non-empty string sub are required;
//     nbf is checked when present. Leeway applies to all three; Policy.Leeway
//     0 means the 60s default and a negative value means no leeway.
//   - sub is printable ASCII of at most 255 characters without surrounding
//     spaces (OIDC Core §2); anything else is malformed. Result.Subject is
//     the accepted value, for display.
//   - A missing iss/aud, an empty aud array or an empty aud string is
//     missing_claim; claims of the wrong JSON type (and an empty aud member)
//     are malformed. The Result's Reason is that of the first failed check.
package oidc
