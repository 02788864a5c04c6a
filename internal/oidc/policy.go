package oidc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// DefaultAlgorithms is the allow-list used when a Policy names none.
var DefaultAlgorithms = []string{
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
}

// DefaultLeeway absorbs clock skew between the CIAM and us.
const DefaultLeeway = 60 * time.Second

// MaxKeyCandidates bounds how many keys a token without kid is tried
// against, so a large JWKS cannot multiply the cost of every token.
const MaxKeyCandidates = 8

// Policy is what a valid ID token must satisfy.
type Policy struct {
	Issuer     string        // exact "iss"; empty: not checked
	Audience   string        // must be in "aud" (the client id); empty: not checked
	Algorithms []string      // allow-list; empty: DefaultAlgorithms. none and HS* never pass
	Leeway     time.Duration // clock skew for exp/nbf/iat; 0: DefaultLeeway; negative: none
	Now        func() time.Time

	// Nonce, when set, must equal the token's nonce claim. AccessToken and
	// Code, when set, are checked against at_hash and c_hash where the
	// token has them. They bind the token to one sign-in (token fetch).
	Nonce, AccessToken, Code string
}

// KeySource supplies the key set. Refresh must bypass any cache; the verifier
// calls it when a token names a kid the current set lacks (key rotation).
type KeySource interface {
	Set(ctx context.Context) (*jwks.Set, error)
	Refresh(ctx context.Context) (*jwks.Set, error)
}

// Verifier applies a Policy with keys from a KeySource. Build it once; it is
// safe for concurrent use.
type Verifier struct {
	issuer, audience string
	allowed          map[string]bool
	allowedList      string
	leeway           time.Duration
	now              func() time.Time
	src              KeySource

	nonce, accessToken, code string
}

// NewVerifier checks the policy. Unknown algorithm names are an error; none
// and HS* are dropped (they are rejected at verification whatever the list says).
func NewVerifier(p Policy, src KeySource) (*Verifier, error) {
	if src == nil {
		return nil, errors.New("oidc: no key source")
	}
	allowed, err := allowList(p.Algorithms)
	if err != nil {
		return nil, err
	}
	v := &Verifier{
		issuer:   p.Issuer,
		audience: p.Audience,
		allowed:  allowed,
		leeway:   p.Leeway,
		now:      p.Now,
		src:      src,

		nonce:       p.Nonce,
		accessToken: p.AccessToken,
		code:        p.Code,
	}
	names := make([]string, 0, len(allowed))
	for a := range allowed {
		names = append(names, a)
	}
	slices.Sort(names)
	v.allowedList = strings.Join(names, ", ")
	switch {
	case v.leeway == 0:
		v.leeway = DefaultLeeway
	case v.leeway < 0:
		v.leeway = 0
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

func allowList(algs []string) (map[string]bool, error) {
	if len(algs) == 0 {
		algs = DefaultAlgorithms
	}
	allowed := map[string]bool{}
	for _, a := range algs {
		switch {
		case jwks.IsForbiddenAlg(a):
			// Never allowed; Verify reports such tokens as alg_not_allowed.
		case jwks.IsSignatureAlg(a):
			allowed[a] = true
		default:
			return nil, fmt.Errorf("oidc: unknown signature algorithm %q (supported: %s)", a, strings.Join(DefaultAlgorithms, ", "))
		}
	}
	return allowed, nil
}
