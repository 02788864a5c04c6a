package oidc

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"strconv"
)

// Checks that bind an ID token to the sign-in that produced it. They run only
// when the policy names what to bind to (Policy.Nonce, AccessToken, Code),
// so `token verify` without those flags and batches pay nothing for them.
const (
	CheckNonce  = "nonce"
	CheckAtHash = "at_hash"
	CheckCHash  = "c_hash"
)

// Reasons for the binding checks.
const (
	ReasonNonceMismatch  = "nonce_mismatch"
	ReasonAtHashMismatch = "at_hash_mismatch"
	ReasonCHashMismatch  = "c_hash_mismatch"
)

func (v *Verifier) binds() bool { return v.nonce != "" || v.accessToken != "" || v.code != "" }

// checkBindings adds the nonce (OIDC Core §3.1.3.7 step 11), at_hash
// (§3.1.3.8) and c_hash (§3.3.2.11) checks the policy asks for.
func (v *Verifier) checkBindings(t *jwsToken, cl *checklist) {
	var buf [24]member
	claims, err := objectMembers(t.payload, buf[:0])
	if err != nil {
		return // checkClaims has reported it
	}
	if v.nonce != "" {
		raw, ok := claims.get("nonce")
		nonce, isStr := jsonString(raw)
		switch {
		case !ok:
			cl.fail(CheckNonce, ReasonMissingClaim, "nonce claim is missing; the sign-in sent one, so the token must carry it")
		case !isStr:
			cl.fail(CheckNonce, ReasonMalformed, "nonce is not a string")
		case nonce != v.nonce:
			cl.fail(CheckNonce, ReasonNonceMismatch, fmt.Sprintf("nonce is %q, not the one this sign-in sent (a replayed or substituted token)", truncate(nonce, 80)))
		default:
			cl.pass(CheckNonce, "nonce matches the sign-in")
		}
	}
	if v.accessToken != "" {
		checkHashClaim(claims, t.alg, "at_hash", CheckAtHash, ReasonAtHashMismatch, v.accessToken, "access token", cl)
	}
	if v.code != "" {
		checkHashClaim(claims, t.alg, "c_hash", CheckCHash, ReasonCHashMismatch, v.code, "authorization code", cl)
	}
}

// checkHashClaim compares an at_hash or c_hash claim, where present, with
// the value it must be the hash of. Both claims are optional in the flows
// ciamctl uses, so an absent one passes (as an absent nbf does).
func checkHashClaim(claims members, alg, claim, check, reason, value, what string, cl *checklist) {
	raw, ok := claims.get(claim)
	got, isStr := jsonString(raw)
	switch {
	case !ok:
		cl.pass(check, "no "+claim+" claim (optional): the "+what+" is not bound to this ID token")
		return
	case !isStr:
		cl.fail(check, ReasonMalformed, claim+" is not a string")
		return
	}
	want, err := TokenHash(alg, value)
	switch {
	case err != nil:
		cl.fail(check, ReasonMalformed, claim+": "+err.Error())
	case got != want:
		cl.fail(check, reason, fmt.Sprintf("%s %s is not the hash of this %s", claim, strconv.Quote(truncate(got, 80)), what))
	default:
		cl.pass(check, claim+" matches the "+what)
	}
}

// TokenHash is the at_hash / c_hash of value for an ID token signed with alg
// (OIDC Core §3.1.3.6): the left half of the hash that alg uses, base64url
// without padding. EdDSA tokens use SHA-512 (Ed25519, the only EdDSA curve
// ciamctl accepts).
func TokenHash(alg, value string) (string, error) {
	var h hash.Hash
	switch alg {
	case "RS256", "PS256", "ES256":
		h = sha256.New()
	case "RS384", "PS384", "ES384":
		h = sha512.New384()
	case "RS512", "PS512", "ES512", "EdDSA":
		h = sha512.New()
	default:
		return "", fmt.Errorf("no hash defined for alg %q", truncate(alg, 20))
	}
	h.Write([]byte(value))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), nil
}
