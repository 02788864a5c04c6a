package oidc

import (
	"testing"
)

// The examples of OpenID Connect Core, Appendix A.4 (code id_token token).
func TestTokenHashKnownAnswers(t *testing.T) {
	for _, c := range []struct{ alg, value, want string }{
		{"RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "77QmUPtjPfzWtF2AnpK9RQ"},
		{"RS256", "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "LDktKdoQak3Pk0cnXxCltA"},
		{"ES256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "77QmUPtjPfzWtF2AnpK9RQ"},
	} {
		if got, err := TokenHash(c.alg, c.value); err != nil || got != c.want {
			t.Errorf("TokenHash(%s, %s) = %q, %v; want %q", c.alg, c.value, got, err, c.want)
		}
	}
	for _, alg := range []string{"RS384", "ES512", "EdDSA"} {
		h, err := TokenHash(alg, "x")
		if err != nil {
			t.Fatal(err)
		}
		want := 32 // half of SHA-384 (24 bytes) is 32 base64url characters
		if alg != "RS384" {
			want = 43 // half of SHA-512 (32 bytes)
		}
		if len(h) != want {
			t.Errorf("%s: %q has %d characters, want %d", alg, h, len(h), want)
		}
	}
	if _, err := TokenHash("HS256", "x"); err == nil {
		t.Error("HS256 has no token hash here")
	}
}

func TestBindingChecks(t *testing.T) {
	const at = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
	const code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
	bound := func(c map[string]any) {
		c["nonce"] = "n-0S6_WzA2Mj"
		c["at_hash"] = "77QmUPtjPfzWtF2AnpK9RQ"
		c["c_hash"] = "LDktKdoQak3Pk0cnXxCltA"
	}
	cases := []struct {
		name   string
		mod    func(map[string]any)
		policy Policy
		reason string // "" = valid
		checks []string
	}{
		{name: "all bound", mod: bound, policy: Policy{Nonce: "n-0S6_WzA2Mj", AccessToken: at, Code: code}, checks: []string{CheckNonce, CheckAtHash, CheckCHash}},
		{name: "nothing asked: no binding checks", mod: bound},
		{name: "wrong nonce", mod: bound, policy: Policy{Nonce: "another"}, reason: ReasonNonceMismatch},
		{name: "nonce missing", policy: Policy{Nonce: "n-0S6_WzA2Mj"}, reason: ReasonMissingClaim},
		{name: "nonce not a string", mod: func(c map[string]any) { c["nonce"] = 7 }, policy: Policy{Nonce: "7"}, reason: ReasonMalformed},
		{name: "at_hash of another access token", mod: bound, policy: Policy{AccessToken: "other"}, reason: ReasonAtHashMismatch},
		{name: "no at_hash: optional", policy: Policy{AccessToken: at}, checks: []string{CheckAtHash}},
		{name: "c_hash of another code", mod: bound, policy: Policy{Code: "other"}, reason: ReasonCHashMismatch},
		{name: "at_hash not a string", mod: func(c map[string]any) { c["at_hash"] = true }, policy: Policy{AccessToken: at}, reason: ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.policy
			p.Issuer, p.Audience, p.Now = testIssuer, testAudience, fixedNow
			v := mustVerifier(t, p, StaticSource{S: standardSet(t)})
			res := v.Verify(t.Context(), mint(t, claimsWith(c.mod)))
			if res.Reason != c.reason || res.Valid != (c.reason == "") {
				t.Fatalf("valid %v reason %q (%s); want reason %q", res.Valid, res.Reason, res.Error, c.reason)
			}
			for _, name := range c.checks {
				if ch := findCheck(res, name); ch == nil || !ch.OK {
					t.Errorf("check %s: %+v", name, ch)
				}
			}
			if c.policy.Nonce == "" && c.policy.AccessToken == "" && c.policy.Code == "" {
				for _, name := range []string{CheckNonce, CheckAtHash, CheckCHash} {
					if findCheck(res, name) != nil {
						t.Errorf("check %s reported without being asked for", name)
					}
				}
			}
		})
	}
}
