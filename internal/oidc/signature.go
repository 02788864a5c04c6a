package oidc

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// checkSignature adds the algorithm, kid and signature checks. Keys come
// only from the configured set: jwk, jku, x5u and x5c headers are never
// consulted, and nothing they point to is fetched.
func (v *Verifier) checkSignature(ctx context.Context, ks *keyState, t *jwsToken, cl *checklist) {
	skip := func(why string) {
		cl.notMade(CheckKid, "not checked: "+why)
		cl.notMade(CheckSignature, "not checked: "+why)
	}
	if msg := v.algProblem(t.alg); msg != "" {
		cl.fail(CheckAlgorithm, ReasonAlgNotAllowed, msg)
		skip("algorithm rejected")
		return
	}
	set, err := ks.current(ctx)
	if err != nil {
		cl.pass(CheckAlgorithm, fmt.Sprintf("%s is allowed", t.alg))
		cl.fail(CheckKid, ReasonJWKSUnavailable, "key set unavailable: "+err.Error())
		cl.notMade(CheckSignature, "not checked: no key set")
		return
	}
	sel := selectKeys(ctx, ks, set, t)
	switch {
	case sel.kidReason != "":
		cl.pass(CheckAlgorithm, fmt.Sprintf("%s is allowed", t.alg))
		cl.fail(CheckKid, sel.kidReason, sel.kidDetail)
		cl.notMade(CheckSignature, "not checked: no key")
		return
	case sel.algDetail != "":
		cl.fail(CheckAlgorithm, ReasonAlgNotAllowed, sel.algDetail)
		cl.pass(CheckKid, sel.kidDetail)
		cl.notMade(CheckSignature, "not checked: the key does not fit the algorithm")
		return
	}
	cl.pass(CheckAlgorithm, t.alg+" is allowed and fits the key")
	cl.pass(CheckKid, sel.kidDetail)
	if reason, detail := verifyWith(t, sel.set, sel.keys, sel.untried); reason != "" {
		cl.fail(CheckSignature, reason, detail)
	} else {
		cl.pass(CheckSignature, detail)
	}
}

// algProblem says why alg is refused, or "" when it is allowed.
func (v *Verifier) algProblem(alg string) string {
	switch {
	case strings.EqualFold(alg, "none"):
		return fmt.Sprintf("alg %q (unsigned token) is never accepted", truncate(alg, 20))
	case jwks.IsForbiddenAlg(alg):
		return fmt.Sprintf("alg %q (shared-secret HMAC) is never accepted for ID tokens", truncate(alg, 20))
	case !v.allowed[alg]:
		return fmt.Sprintf("alg %q is not allowed (allowed: %s)", truncate(alg, 20), v.allowedList)
	}
	return ""
}

type selection struct {
	set       *jwks.Set // the set keys come from (after any refresh)
	keys      []jwk.Key
	kidDetail string
	kidReason string // non-empty: no key, kidDetail says why
	algDetail string // non-empty: keys found, but none fits the alg
	// untried counts fitting keys left out by MaxKeyCandidates: a failure
	// then means the key could not be picked, not that the token is forged.
	untried int
}

// selectKeys picks the keys to try: by kid, or, for keys without one (PEM
// or DER files), by their RFC 7638 thumbprint as kid; else by x5t / x5t#S256 (Azure
// AD v1 tokens carry no kid) against the set's thumbprints; else every
// usable key that fits the alg, at most MaxKeyCandidates of them. A kid or
// thumbprint absent from the set triggers one refresh (key rotation).
func selectKeys(ctx context.Context, ks *keyState, set *jwks.Set, t *jwsToken) selection {
	if !t.hasKid {
		return selectWithoutKid(ctx, ks, set, t)
	}

	keys := set.ByKid(t.kid)
	if len(keys) > 0 {
		return chooseFitting(set, keys, t.alg, strconv.Quote(truncate(t.kid, 64))+" found")
	}
	kid := strconv.Quote(truncate(t.kid, 64))
	if keys = set.ByJWKThumbprint(t.kid); len(keys) > 0 {
		return chooseFitting(set, keys, t.alg, kid+" found as the RFC 7638 thumbprint of a key without kid")
	}
	refreshed, didNow, err := ks.refresh(ctx)
	if err != nil {
		return selection{kidReason: ReasonJWKSUnavailable, kidDetail: fmt.Sprintf("%s is not in the set and refetching it failed: %v", kid, err)}
	}
	if refreshed != nil {
		set = refreshed
		keys = set.ByKid(t.kid)
		if len(keys) == 0 {
			keys = set.ByJWKThumbprint(t.kid)
		}
	}
	if len(keys) == 0 {
		switch {
		case set.HasKid(t.kid):
			return selection{kidReason: ReasonUnknownKid, kidDetail: fmt.Sprintf("%s is in the set but its key is not usable (see jwks inspect)", kid)}
		case didNow:
			return selection{kidReason: ReasonUnknownKid, kidDetail: fmt.Sprintf("%s is not in the set, even after refetching it", kid)}
		}
		return selection{kidReason: ReasonUnknownKid, kidDetail: fmt.Sprintf("%s is not in the set (already refetched once)", kid)}
	}
	return chooseFitting(set, keys, t.alg, kid+" found after refetching the set (key rotation)")
}

// chooseFitting keeps the keys that fit alg, at most MaxKeyCandidates.
func chooseFitting(set *jwks.Set, keys []jwk.Key, alg, found string) selection {
	fit := fitting(keys, alg)
	if len(fit) == 0 {
		return selection{kidDetail: found, algDetail: misfit(keys[0], alg)}
	}
	sel := selection{set: set, keys: fit, kidDetail: found}
	if len(fit) > MaxKeyCandidates {
		sel.keys, sel.untried = fit[:MaxKeyCandidates], len(fit)-MaxKeyCandidates
	}
	return sel
}

// selectWithoutKid selects by the token's certificate thumbprint when it
// has one and the set publishes thumbprints, else by trial.
func selectWithoutKid(ctx context.Context, ks *keyState, set *jwks.Set, t *jwsToken) selection {
	x5t, _, err1 := t.headerString("x5t")
	x5tS256, _, err2 := t.headerString("x5t#S256")
	if err := errors.Join(err1, err2); err != nil {
		return selection{kidReason: ReasonMalformed, kidDetail: err.Error()}
	}
	if x5t != "" || x5tS256 != "" {
		label := thumbLabel(x5t, x5tS256)
		keys := set.ByThumbprint(x5t, x5tS256)
		note := ""
		if len(keys) == 0 && set.HasThumbprints() {
			refreshed, didNow, err := ks.refresh(ctx)
			if err != nil {
				return selection{kidReason: ReasonJWKSUnavailable, kidDetail: fmt.Sprintf("token has no kid; %s is not in the set and refetching it failed: %v", label, err)}
			}
			if refreshed != nil {
				set = refreshed
				keys = set.ByThumbprint(x5t, x5tS256)
			}
			if len(keys) == 0 {
				switch {
				case set.HasThumbprint(x5t, x5tS256):
					return selection{kidReason: ReasonUnknownKid, kidDetail: fmt.Sprintf("token has no kid; %s is in the set but its key is not usable (see jwks inspect)", label)}
				case didNow:
					return selection{kidReason: ReasonNoMatchingKey, kidDetail: fmt.Sprintf("token has no kid, and no key in the set has its %s, even after refetching it", label)}
				}
				return selection{kidReason: ReasonNoMatchingKey, kidDetail: fmt.Sprintf("token has no kid, and no key in the set has its %s (already refetched once)", label)}
			}
			note = " after refetching the set (key rotation)"
		}
		if len(keys) > 0 {
			return chooseFitting(set, keys, t.alg, "token has no kid; its "+label+" found"+note)
		}
		// The set publishes no thumbprints to match: fall back to trial.
	}
	fit := fitting(set.Usable(), t.alg)
	if len(fit) == 0 {
		return selection{kidReason: ReasonUnknownKid, kidDetail: fmt.Sprintf("token has no kid and no usable key in the set fits %s", t.alg)}
	}
	sel := selection{set: set, keys: fit, kidDetail: fmt.Sprintf("token has no kid; trying %d key(s) that fit %s", len(fit), t.alg)}
	if len(fit) > MaxKeyCandidates {
		sel.keys, sel.untried = fit[:MaxKeyCandidates], len(fit)-MaxKeyCandidates
		sel.kidDetail = fmt.Sprintf("token has no kid; trying the first %d of %d keys that fit %s", MaxKeyCandidates, len(fit), t.alg)
	}
	return sel
}

func thumbLabel(x5t, x5tS256 string) string {
	if x5tS256 != "" {
		return "x5t#S256 " + strconv.Quote(truncate(x5tS256, 64))
	}
	return "x5t " + strconv.Quote(truncate(x5t, 64))
}

// fitting keeps keys whose type (and curve) suit alg and whose own alg, when
// set, is alg. This is decided here rather than by jwx, which silently skips
// keys without "alg" when verifying against a whole set.
func fitting(keys []jwk.Key, alg string) []jwk.Key {
	var out []jwk.Key
	for _, k := range keys {
		kty, crv, kalg := describe(k)
		if (kalg == "" || kalg == alg) && jwks.AlgFits(alg, kty, crv) {
			out = append(out, k)
		}
	}
	return out
}

func describe(k jwk.Key) (kty, crv, alg string) {
	kty = k.KeyType().String()
	switch kk := k.(type) {
	case jwk.ECDSAPublicKey:
		crv = kk.Crv().String()
	case jwk.OKPPublicKey:
		crv = kk.Crv().String()
	}
	return kty, crv, k.Algorithm().String()
}

func misfit(k jwk.Key, alg string) string {
	kty, crv, kalg := describe(k)
	if kalg != "" && kalg != alg {
		return fmt.Sprintf("token says %s but the key is for %s", truncate(alg, 20), kalg)
	}
	if crv != "" {
		kty += " " + crv
	}
	return fmt.Sprintf("token says %s but the key is %s", truncate(alg, 20), kty)
}

// verifyWith checks the signature with each candidate, explicitly pairing
// the header alg with the chosen key. It verifies the bytes parseCompact
// already decoded rather than handing jwx the token to parse again, and
// uses each key's raw form, converted once when the set was parsed.
func verifyWith(t *jwsToken, set *jwks.Set, keys []jwk.Key, untried int) (reason, detail string) {
	input := []byte(t.raw[:strings.LastIndexByte(t.raw, '.')])
	verify := pkcs1v15Verifier(t.alg, input, t.signature)
	if verify == nil {
		verifier, err := jws.NewVerifier(jwa.SignatureAlgorithm(t.alg))
		if err != nil {
			return ReasonAlgNotAllowed, "no verifier for " + truncate(t.alg, 20)
		}
		verify = func(raw any) bool { return verifier.Verify(input, t.signature, raw) == nil }
	}
	for _, k := range keys {
		raw, ok := set.Raw(k)
		if !ok {
			continue
		}
		if verify(raw) {
			return "", "verified with " + t.alg + " key " + keyLabel(k)
		}
	}
	if untried > 0 {
		// Keys that could have signed it were never tried: the key could
		// not be picked, which says nothing about tampering.
		return ReasonNoMatchingKey, fmt.Sprintf("no key could be picked: the token names no kid or x5t the set knows, and none of the %d keys tried (of %d that fit %s) verifies it", len(keys), len(keys)+untried, truncate(t.alg, 20))
	}
	if len(keys) == 1 {
		return ReasonBadSignature, fmt.Sprintf("signature does not verify with key %s", keyLabel(keys[0]))
	}
	return ReasonBadSignature, fmt.Sprintf("signature does not verify with any of %d candidate keys", len(keys))
}

func keyLabel(k jwk.Key) string {
	if kid := k.KeyID(); kid != "" {
		return strconv.Quote(truncate(kid, 64))
	}
	return "(no kid)"
}

// pkcs1v15Verifier checks RS256, RS384 and RS512 signatures with crypto/rsa
// directly: the digest is taken once for every candidate key, and nothing
// is allocated around the maths, which matters on the batch path. It is
// what jwx's RSA verifier does (hash the signing input, then
// rsa.VerifyPKCS1v15), for the keys a Set holds (*rsa.PublicKey). Other
// algorithms (nil) go through jwx.
func pkcs1v15Verifier(alg string, input, sig []byte) func(raw any) bool {
	var hash crypto.Hash
	var digest []byte
	switch alg {
	case "RS256":
		h := sha256.Sum256(input)
		hash, digest = crypto.SHA256, h[:]
	case "RS384":
		h := sha512.Sum384(input)
		hash, digest = crypto.SHA384, h[:]
	case "RS512":
		h := sha512.Sum512(input)
		hash, digest = crypto.SHA512, h[:]
	default:
		return nil
	}
	return func(raw any) bool {
		pub, ok := raw.(*rsa.PublicKey)
		return ok && rsa.VerifyPKCS1v15(pub, hash, digest, sig) == nil
	}
}
