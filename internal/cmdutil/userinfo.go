package cmdutil

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/mapping"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/rp"
)

// IDTokenCheck is the verification of the ID token userinfo is compared with.
type IDTokenCheck struct {
	Verified bool   `json:"verified"`
	Sub      string `json:"sub,omitempty"`
	Error    string `json:"error,omitempty"`
}

// UserinfoReport is what the brand's userinfo endpoint answered for an access token, checked against
// the ID token when there is one. It is `token userinfo -o json`, and doctor's userinfo check with a token.
type UserinfoReport struct {
	Endpoint string         `json:"endpoint"`
	OK       bool           `json:"ok"`
	Sub      string         `json:"sub"`
	Claims   map[string]any `json:"claims"`
	IDToken  *IDTokenCheck  `json:"idToken"`
	// SubMatches is whether userinfo's sub is the ID token's (null without an ID token). OpenID Connect
	// Core §5.3.2: when they differ, the userinfo response must not be used.
	SubMatches *bool                     `json:"subMatches"`
	Mappings   []mapping.ClaimComparison `json:"mappings"`
	Problems   []string                  `json:"problems"`
}

// CheckUserinfo verifies idToken (when given) with the brand's policy, then calls the brand's userinfo
// endpoint with the access token and compares. An invalid ID token is a report with OK false and no
// userinfo call; a refused access token is an error wrapping rp.ErrRefused, an unreachable endpoint one
// wrapping jwks.ErrUnavailable.
func (f *Factory) CheckUserinfo(ctx context.Context, cfg *brand.Config, accessToken, idToken string, noCache bool) (UserinfoReport, error) {
	r := UserinfoReport{Endpoint: cfg.CIAM.UserinfoEndpoint, Claims: map[string]any{}, Mappings: []mapping.ClaimComparison{}, Problems: []string{}}
	idClaims := map[string]any{}
	if idToken != "" {
		v, err := f.BrandVerifier(cfg, noCache)
		if err != nil {
			return r, err
		}
		res := v.Verify(ctx, idToken)
		if res.Reason == oidc.ReasonJWKSUnavailable {
			return r, fmt.Errorf("%w: cannot verify the ID token: %s", jwks.ErrUnavailable, res.Error)
		}
		r.IDToken = &IDTokenCheck{Verified: res.Valid, Error: res.Error}
		if !res.Valid {
			r.Problems = append(r.Problems, "the ID token is not valid ("+res.Error+"): there is nothing to compare userinfo with")
			return r, nil
		}
		var err2 error
		if idClaims, err2 = mapping.DecodeClaims(res.Claims); err2 != nil {
			return r, err2
		}
		r.IDToken.Sub, _ = idClaims["sub"].(string)
	}

	claims, _, err := rp.Userinfo(ctx, f.HTTPClient(), cfg.CIAM.UserinfoEndpoint, accessToken)
	if err != nil {
		return r, err
	}
	r.Claims = claims
	r.Sub, _ = claims["sub"].(string)
	r.OK = true
	if r.Sub == "" {
		r.OK = false
		r.Problems = append(r.Problems, "userinfo has no sub, which OpenID Connect Core §5.3.2 requires: the response cannot be tied to the user")
	}
	if r.IDToken != nil {
		match := r.Sub != "" && r.Sub == r.IDToken.Sub
		r.SubMatches = &match
		if !match && r.Sub != "" {
			r.OK = false
			r.Problems = append(r.Problems, fmt.Sprintf("userinfo is for sub %q, the ID token for %q: per OpenID Connect Core §5.3.2 the userinfo response must not be used", r.Sub, r.IDToken.Sub))
		}
		r.Mappings = mapping.Compare(idClaims, claims, cfg.Mappings.AsMap())
	} else {
		r.Mappings = mapping.Compare(map[string]any{}, claims, cfg.Mappings.AsMap())
		for i := range r.Mappings {
			r.Mappings[i].Same = false
		}
	}
	return r, nil
}

// ClaimText renders a claim value for one line: strings as they are, anything else as compact JSON.
func ClaimText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
