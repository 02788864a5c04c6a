package oidc

import (
	"context"
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
		cl.fail(CheckKid, "", "not checked: "+why)
		cl.fail(CheckSignature, "", "not checked: "+why)
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
		cl.fail(CheckSignature, "", "not checked: no key set")
		return
	}
	sel := selectKeys(ctx, ks, set, t)
	switch {
	case sel.kidReason != "":
		cl.pass(CheckAlgorithm, fmt.Sprintf("%s is allowed", t.alg))
		cl.fail(CheckKid, sel.kidReason, sel.kidDetail)
		cl.fail(CheckSignature, "", "not checked: no key")
		return
	case sel.algDetail != "":
		cl.fail(CheckAlgorithm, ReasonAlgNotAllowed, sel.algDetail)
		cl.pass(CheckKid, sel.kidDetail)
		cl.fail(CheckSignature, "", "not checked: the key does not fit the algorithm")
		return
	}
	cl.pass(CheckAlgorithm, t.alg+" is allowed and fits the key")
	cl.pass(CheckKid, sel.kidDetail)
	if reason, detail := verifyWith(t, sel.set, sel.keys); reason != "" {
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
}

// selectKeys picks the keys to try. A kid absent from the set triggers one
// refresh (key rotation); without a kid, the usable keys that fit the alg
// are tried, at most MaxKeyCandidates of them.
func selectKeys(ctx context.Context, ks *keyState, set *jwks.Set, t *jwsToken) selection {
	if !t.hasKid {
		fit := fitting(set.Usable(), t.alg)
		switch {
		case len(fit) == 0:
			return selection{kidReason: ReasonUnknownKid, kidDetail: fmt.Sprintf("token has no kid and no usable key in the set fits %s", t.alg)}
		case len(fit) > MaxKeyCandidates:
			fit = fit[:MaxKeyCandidates]
		}
		return selection{set: set, keys: fit, kidDetail: fmt.Sprintf("token has no kid; trying %d key(s) that fit %s", len(fit), t.alg)}
	}

	kid := strconv.Quote(truncate(t.kid, 64))
	keys := set.ByKid(t.kid)
	note := ""
	if len(keys) == 0 {
		refreshed, didNow, err := ks.refresh(ctx)
		if err != nil {
			return selection{kidReason: ReasonJWKSUnavailable, kidDetail: fmt.Sprintf("%s is not in the set and refetching it failed: %v", kid, err)}
		}
		if refreshed != nil {
			set = refreshed
			keys = set.ByKid(t.kid)
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
		note = " after refetching the set (key rotation)"
	}
	fit := fitting(keys, t.alg)
	if len(fit) == 0 {
		return selection{kidDetail: fmt.Sprintf("%s found%s", kid, note), algDetail: misfit(keys[0], t.alg)}
	}
	if len(fit) > MaxKeyCandidates {
		fit = fit[:MaxKeyCandidates]
	}
	return selection{set: set, keys: fit, kidDetail: kid + " found" + note}
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
func verifyWith(t *jwsToken, set *jwks.Set, keys []jwk.Key) (reason, detail string) {
	verifier, err := jws.NewVerifier(jwa.SignatureAlgorithm(t.alg))
	if err != nil {
		return ReasonAlgNotAllowed, "no verifier for " + truncate(t.alg, 20)
	}
	input := []byte(t.raw[:strings.LastIndexByte(t.raw, '.')])
	for _, k := range keys {
		raw, ok := set.Raw(k)
		if !ok {
			continue
		}
		if verifier.Verify(input, t.signature, raw) == nil {
			return "", "verified with " + t.alg + " key " + keyLabel(k)
		}
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
