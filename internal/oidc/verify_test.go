package oidc

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

func TestVerifyPolicyTable(t *testing.T) {
	keysForTest(t)
	k := &testKeys
	leeway := int64(DefaultLeeway / time.Second)
	now := testNow.Unix()
	claims := func(mod func(map[string]any)) string { return mustJSON(t, claimsWith(mod)) }
	rsaHdr := `{"alg":"RS256","kid":"rsa-1","typ":"JWT"}`

	pubPEM := func() []byte {
		der, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}()
	attackerJWK := mustJSON(t, pubJWK(t, k.rsaAttacker, "evil", "RS256"))

	cases := []struct {
		name   string
		token  string
		policy func(*Policy)
		reason string // "" = valid
	}{
		{name: "valid RS256", token: mint(t, goodClaims())},
		{name: "valid ES256", token: signRaw(t, "ES256", k.ec, `{"alg":"ES256","kid":"ec-1"}`, claims(nil))},
		{name: "valid EdDSA key without alg", token: signRaw(t, "EdDSA", k.ed, `{"alg":"EdDSA","kid":"ed-1"}`, claims(nil))},
		{name: "valid PS256 on RSA key without alg", token: signRaw(t, "PS256", k.rsa2, `{"alg":"PS256","kid":"rsa-2"}`, claims(nil))},
		{name: "fractional dates", token: mint(t, claimsWith(func(c map[string]any) { c["exp"] = float64(now) + 600.5; c["iat"] = float64(now) - 0.25 }))},
		{name: "surrounding whitespace", token: "  " + mint(t, goodClaims()) + "\n"},

		// malformed input
		{name: "one segment", token: "abc", reason: ReasonMalformed},
		{name: "two segments", token: "abc.def", reason: ReasonMalformed},
		{name: "JWE five segments", token: "a.b.c.d.e", reason: ReasonMalformed},
		{name: "bad base64", token: "ey!!.e30.", reason: ReasonMalformed},
		{name: "padding", token: b64url([]byte(rsaHdr)) + "=." + b64url([]byte(claims(nil))) + ".AA", reason: ReasonMalformed},
		{name: "header not JSON", token: b64url([]byte("{alg")) + "." + b64url([]byte("{}")) + ".AA", reason: ReasonMalformed},
		{name: "header is an array", token: b64url([]byte(`["RS256"]`)) + "." + b64url([]byte("{}")) + ".AA", reason: ReasonMalformed},
		{name: "payload not JSON", token: signRaw(t, "RS256", k.rsa, rsaHdr, "hello"), reason: ReasonMalformed},
		{name: "empty token", token: "", reason: ReasonMalformed},
		{name: "duplicate alg in header", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"rsa-1","alg":"none"}`, claims(nil)), reason: ReasonMalformed},
		{name: "duplicate sub in payload", token: signRaw(t, "RS256", k.rsa, rsaHdr, strings.TrimSuffix(claims(nil), "}")+`,"sub":"someone-else"}`), reason: ReasonMalformed},
		{name: "duplicate nested key", token: signRaw(t, "RS256", k.rsa, rsaHdr, strings.TrimSuffix(claims(nil), "}")+`,"address":{"a":1,"a":2}}`), reason: ReasonMalformed},
		{name: "deeply nested payload", token: signRaw(t, "RS256", k.rsa, rsaHdr, strings.TrimSuffix(claims(nil), "}")+`,"x":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)+"}"), reason: ReasonMalformed},
		{name: "nested JWT", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"rsa-1","cty":"JWT"}`, claims(nil)), reason: ReasonMalformed},
		{name: "unknown crit", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"rsa-1","crit":["exp"],"exp":1}`, claims(nil)), reason: ReasonMalformed},
		{name: "b64 false", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"rsa-1","b64":false,"crit":["b64"]}`, claims(nil)), reason: ReasonMalformed},
		{name: "kid not a string", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":7}`, claims(nil)), reason: ReasonMalformed},
		{name: "10 MiB token", token: strings.Repeat("A", 10<<20), reason: ReasonMalformed},
		{name: "exp is a string", token: mint(t, claimsWith(func(c map[string]any) { c["exp"] = "tomorrow" })), reason: ReasonMalformed},
		{name: "exp out of range", token: mint(t, claimsWith(func(c map[string]any) { c["exp"] = 1e300 })), reason: ReasonMalformed},

		// algorithms
		{name: "alg none", token: signRaw(t, "none", nil, `{"alg":"none"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "alg None", token: signRaw(t, "None", nil, `{"alg":"None","kid":"rsa-1"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "alg nOnE", token: signRaw(t, "nOnE", nil, `{"alg":"nOnE"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "alg none even if listed", token: signRaw(t, "none", nil, `{"alg":"none"}`, claims(nil)), policy: func(p *Policy) { p.Algorithms = []string{"none", "RS256"} }, reason: ReasonAlgNotAllowed},
		{name: "HS256 with the RSA public key as secret", token: signRaw(t, "HS256", pubPEM, `{"alg":"HS256","kid":"rsa-1"}`, claims(nil)), policy: func(p *Policy) { p.Algorithms = []string{"HS256", "RS256"} }, reason: ReasonAlgNotAllowed},
		{name: "HS256 with the modulus as secret", token: signRaw(t, "HS256", k.rsa.N.Bytes(), `{"alg":"HS256"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "alg outside allow-list", token: signRaw(t, "RS384", k.rsa2, `{"alg":"RS384","kid":"rsa-2"}`, claims(nil)), policy: func(p *Policy) { p.Algorithms = []string{"RS256"} }, reason: ReasonAlgNotAllowed},
		{name: "JWK alg differs from header alg", token: signRaw(t, "RS384", k.rsa, `{"alg":"RS384","kid":"rsa-1"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "EC alg on an RSA kid", token: signRaw(t, "ES256", k.ec, `{"alg":"ES256","kid":"rsa-2"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "ES384 on a P-256 key", token: signRaw(t, "ES256", k.ec, `{"alg":"ES384","kid":"ec-noalg"}`, claims(nil)), reason: ReasonAlgNotAllowed},
		{name: "alg not a string", token: signRaw(t, "RS256", k.rsa, `{"alg":["RS256"],"kid":"rsa-1"}`, claims(nil)), reason: ReasonMalformed},

		// keys
		{name: "unknown kid", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"rotated-away"}`, claims(nil)), reason: ReasonUnknownKid},
		{name: "path traversal kid", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"../../etc/passwd"}`, claims(nil)), reason: ReasonUnknownKid},
		{name: "SQL kid", token: signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"x' OR '1'='1'; DROP TABLE keys;--"}`, claims(nil)), reason: ReasonUnknownKid},
		{name: "signed by another key under a known kid", token: signRaw(t, "RS256", k.rsaAttacker, rsaHdr, claims(nil)), reason: ReasonBadSignature},
		{name: "embedded jwk header with attacker key", token: signRaw(t, "RS256", k.rsaAttacker, `{"alg":"RS256","kid":"rsa-1","jwk":`+attackerJWK+`}`, claims(nil)), reason: ReasonBadSignature},
		{name: "embedded jwk header without kid", token: signRaw(t, "RS256", k.rsaAttacker, `{"alg":"RS256","jwk":`+attackerJWK+`}`, claims(nil)), reason: ReasonBadSignature},
		{name: "embedded jwk header with its own kid", token: signRaw(t, "RS256", k.rsaAttacker, `{"alg":"RS256","kid":"evil","jwk":`+attackerJWK+`}`, claims(nil)), reason: ReasonUnknownKid},
		{name: "ES256 r=s=0", token: signRaw(t, "ES256", nil, `{"alg":"ES256","kid":"ec-1"}`, claims(nil)) + b64url(make([]byte, 64)), reason: ReasonBadSignature},
		{name: "ES256 short signature", token: signRaw(t, "ES256", nil, `{"alg":"ES256","kid":"ec-1"}`, claims(nil)) + "AAAA", reason: ReasonBadSignature},
		{name: "RS256 empty signature", token: signRaw(t, "RS256", nil, rsaHdr, claims(nil)), reason: ReasonBadSignature},
		{name: "no kid, one fitting key", token: signRaw(t, "ES256", k.ec, `{"alg":"ES256"}`, claims(nil))},
		{name: "no kid, several fitting keys", token: signRaw(t, "RS256", k.rsa2, `{"alg":"RS256"}`, claims(nil))},
		{name: "no kid, no fitting key", token: signRaw(t, "ES512", k.ec, `{"alg":"ES512"}`, claims(nil)), reason: ReasonUnknownKid},

		// claims
		{name: "issuer mismatch", token: mint(t, claimsWith(func(c map[string]any) { c["iss"] = "https://evil.example/" })), reason: ReasonIssuerMismatch},
		{name: "issuer without trailing slash", token: mint(t, claimsWith(func(c map[string]any) { c["iss"] = "https://id.acme.example" })), reason: ReasonIssuerMismatch},
		{name: "issuer missing", token: mint(t, claimsWith(func(c map[string]any) { delete(c, "iss") })), reason: ReasonMissingClaim},
		{name: "issuer not checked when unset", token: mint(t, claimsWith(func(c map[string]any) { c["iss"] = "other" })), policy: func(p *Policy) { p.Issuer = "" }},
		{name: "audience mismatch", token: mint(t, claimsWith(func(c map[string]any) { c["aud"] = "other-client" })), reason: ReasonAudienceMismatch},
		{name: "audience array contains", token: mint(t, claimsWith(func(c map[string]any) { c["aud"] = []string{"other", testAudience} }))},
		{name: "audience array without it", token: mint(t, claimsWith(func(c map[string]any) { c["aud"] = []string{"a", "b"} })), reason: ReasonAudienceMismatch},
		{name: "audience array, azp is us", token: mint(t, claimsWith(func(c map[string]any) { c["aud"] = []string{"other", testAudience}; c["azp"] = testAudience }))},
		{name: "audience array, azp is another", token: mint(t, claimsWith(func(c map[string]any) { c["aud"] = []string{"other", testAudience}; c["azp"] = "other" })), reason: ReasonAudienceMismatch},
		{name: "single audience, azp ignored", token: mint(t, claimsWith(func(c map[string]any) { c["azp"] = "other" }))},
		{name: "audience missing", token: mint(t, claimsWith(func(c map[string]any) { delete(c, "aud") })), reason: ReasonMissingClaim},
		{name: "audience with a number", token: mint(t, claimsWith(func(c map[string]any) { c["aud"] = []any{testAudience, 5} })), reason: ReasonMalformed},
		{name: "expired by leeway+1s", token: mint(t, claimsWith(func(c map[string]any) { c["exp"] = now - leeway - 1 })), reason: ReasonExpired},
		{name: "expired by leeway-1s is accepted", token: mint(t, claimsWith(func(c map[string]any) { c["exp"] = now - leeway + 1 }))},
		{name: "expired with zero leeway", token: mint(t, claimsWith(func(c map[string]any) { c["exp"] = now - 1 })), policy: func(p *Policy) { p.Leeway = -1 }, reason: ReasonExpired},
		{name: "exp missing", token: mint(t, claimsWith(func(c map[string]any) { delete(c, "exp") })), reason: ReasonMissingClaim},
		{name: "not yet valid", token: mint(t, claimsWith(func(c map[string]any) { c["nbf"] = now + leeway + 1 })), reason: ReasonNotYetValid},
		{name: "nbf within leeway", token: mint(t, claimsWith(func(c map[string]any) { c["nbf"] = now + leeway - 1 }))},
		{name: "issued in the future", token: mint(t, claimsWith(func(c map[string]any) { c["iat"] = now + leeway + 1 })), reason: ReasonIssuedInFuture},
		{name: "iat within leeway", token: mint(t, claimsWith(func(c map[string]any) { c["iat"] = now + leeway - 1 }))},
		{name: "sub missing", token: mint(t, claimsWith(func(c map[string]any) { delete(c, "sub") })), reason: ReasonMissingClaim},
		{name: "sub empty", token: mint(t, claimsWith(func(c map[string]any) { c["sub"] = "" })), reason: ReasonMissingClaim},
		{name: "sub not a string", token: mint(t, claimsWith(func(c map[string]any) { c["sub"] = 42 })), reason: ReasonMalformed},
		{name: "first failure wins: bad signature and expired", token: signRaw(t, "RS256", k.rsaAttacker, rsaHdr, claims(func(c map[string]any) { c["exp"] = now - 3600 })), reason: ReasonBadSignature},
	}

	set := parseSet(t,
		pubJWK(t, k.rsa, "rsa-1", "RS256"),
		pubJWK(t, k.rsa2, "rsa-2", ""),
		pubJWK(t, k.ec, "ec-1", "ES256"),
		pubJWK(t, k.ec, "ec-noalg", ""),
		pubJWK(t, k.ed, "ed-1", ""),
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy()
			if tc.policy != nil {
				tc.policy(&p)
			}
			src := &countingSource{set: set}
			res := mustVerifier(t, p, src).Verify(t.Context(), tc.token)
			if tc.reason == "" {
				if !res.Valid {
					t.Fatalf("want valid, got %s: %s", res.Reason, res.Error)
				}
				if res.Reason != "" || res.Error != "" {
					t.Errorf("valid result carries reason %q / error %q", res.Reason, res.Error)
				}
			} else if res.Valid || res.Reason != tc.reason {
				t.Fatalf("want %s, got valid=%v reason=%q error=%q", tc.reason, res.Valid, res.Reason, res.Error)
			}
			t.Logf("%s: %s", res.Reason, res.Error)
			if n := src.refreshes.Load(); n > 1 {
				t.Errorf("%d refreshes, want at most 1", n)
			}
			if len(res.Checks) == 0 {
				t.Error("no checks reported")
			}
			if sig := tokenSignature(tc.token); len(sig) > 8 && strings.Contains(res.Error+mustJSON(t, res.Checks), sig) {
				t.Error("the token's signature is echoed in the result")
			}
		})
	}
}

func tokenSignature(tok string) string {
	if i := strings.LastIndexByte(tok, '.'); i >= 0 && len(tok) < 1<<20 {
		return tok[i+1:]
	}
	return ""
}

func TestVerifyReportsEveryCheck(t *testing.T) {
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	res := v.Verify(t.Context(), mint(t, goodClaims()))
	if !res.Valid {
		t.Fatalf("%+v", res)
	}
	for _, name := range []string{CheckFormat, CheckCrit, CheckAlgorithm, CheckKid, CheckSignature, CheckIssuer, CheckAudience, CheckExpiry, CheckNotBefore, CheckIssuedAt, CheckSubject} {
		if c := findCheck(res, name); c == nil || !c.OK || c.Detail == "" {
			t.Errorf("check %s: %+v", name, c)
		}
	}
	var got map[string]any
	if err := json.Unmarshal(res.Claims, &got); err != nil || got["sub"] != goodClaims()["sub"] {
		t.Errorf("claims %s: %v", res.Claims, err)
	}

	// The JSON shape of the contract, with error null when valid.
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]json.RawMessage
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"valid", "header", "claims", "checks", "error"} {
		if _, ok := wire[f]; !ok {
			t.Errorf("JSON lacks %q: %s", f, b)
		}
	}
	if string(wire["error"]) != "null" {
		t.Errorf("error = %s, want null", wire["error"])
	}
	if !strings.Contains(string(wire["checks"]), `{"name":"signature","ok":true,"detail":`) {
		t.Errorf("checks shape: %s", wire["checks"])
	}
	line, err := MarshalLine(7, res)
	if err != nil || !strings.HasPrefix(string(line), `{"line":7,"valid":true`) {
		t.Errorf("MarshalLine: %s %v", line, err)
	}

	bad := v.Verify(t.Context(), "x")
	b, _ = json.Marshal(bad)
	if !strings.Contains(string(b), `"header":null`) || !strings.Contains(string(b), `"error":"format: `) || !strings.Contains(string(b), `"reason":"malformed"`) {
		t.Errorf("malformed JSON: %s", b)
	}
}

func TestVerifyJWKSUnavailable(t *testing.T) {
	src := &countingSource{err: &jwks.LoadError{Location: "https://id.example/jwks", Cause: "connection refused"}}
	res := mustVerifier(t, testPolicy(), src).Verify(t.Context(), mint(t, goodClaims()))
	if res.Valid || res.Reason != ReasonJWKSUnavailable || !strings.Contains(res.Error, "connection refused") {
		t.Fatalf("%+v", res)
	}
}

func TestVerifyRefreshFailureIsUnavailable(t *testing.T) {
	src := &failingRefresh{set: standardSet(t)}
	tok := signRaw(t, "RS256", testKeys.rsa, `{"alg":"RS256","kid":"new"}`, mustJSON(t, goodClaims()))
	res := mustVerifier(t, testPolicy(), src).Verify(t.Context(), tok)
	if res.Reason != ReasonJWKSUnavailable {
		t.Fatalf("%+v", res)
	}
}

type failingRefresh struct{ set *jwks.Set }

func (f *failingRefresh) Set(context.Context) (*jwks.Set, error) { return f.set, nil }
func (f *failingRefresh) Refresh(context.Context) (*jwks.Set, error) {
	return nil, &jwks.LoadError{Location: "https://id.example/jwks", Cause: "timed out"}
}

// Tokens may carry jku and x5u pointing at a server: it must never be asked.
func TestVerifyNeverFetchesHeaderURLs(t *testing.T) {
	keysForTest(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwksJSON(t, pubJWK(t, testKeys.rsaAttacker, "evil", "RS256")))
	}))
	defer srv.Close()

	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	for _, hdr := range []string{
		`{"alg":"RS256","kid":"evil","jku":"` + srv.URL + `/jwks.json"}`,
		`{"alg":"RS256","kid":"rsa-1","jku":"` + srv.URL + `/jwks.json"}`,
		`{"alg":"RS256","x5u":"` + srv.URL + `/cert.pem"}`,
		`{"alg":"RS256","kid":"rsa-1","x5u":"` + srv.URL + `/cert.pem","jku":"` + srv.URL + `/"}`,
	} {
		res := v.Verify(t.Context(), signRaw(t, "RS256", testKeys.rsaAttacker, hdr, mustJSON(t, goodClaims())))
		if res.Valid {
			t.Errorf("%s: attacker token accepted", hdr)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("header URLs were fetched %d times", n)
	}
}

func TestNewVerifierRejectsUnknownAlgorithm(t *testing.T) {
	if _, err := NewVerifier(Policy{Algorithms: []string{"RS257"}}, StaticSource{}); err == nil {
		t.Fatal("want error")
	}
	if _, err := NewVerifier(Policy{}, nil); err == nil {
		t.Fatal("want error for nil source")
	}
}

func TestVerifySignatureErrors(t *testing.T) {
	_, err := VerifySignature("nope", standardSet(t), nil)
	var se *SignatureError
	if !errors.As(err, &se) || se.Reason != ReasonMalformed {
		t.Fatalf("%v", err)
	}
}

// The type and subject checks run on every token of a batch: on a valid
// token they must not allocate (issue 12, items 12 and 13).
func TestTypeAndSubjectChecksDoNotAllocate(t *testing.T) {
	tok, err := parseCompact(mint(t, goodClaims()), true)
	if err != nil {
		t.Fatal(err)
	}
	cl := newChecklist()
	if n := testing.AllocsPerRun(100, func() {
		cl.checks, cl.reasons = cl.checks[:0], cl.reasons[:0]
		tok.checkType(&cl)
	}); n != 0 || !cl.checks[0].OK {
		t.Errorf("checkType: %v allocations, check %+v", n, cl.checks[0])
	}
	sub := "3f1c2a9e-5b7d-4e21-9c0a-6d8e7f1a2b3c|auth0 provider"
	if n := testing.AllocsPerRun(100, func() {
		if subjectProblem(sub) != "" {
			t.Fatal("refused")
		}
	}); n != 0 {
		t.Errorf("subjectProblem: %v allocations", n)
	}
}
