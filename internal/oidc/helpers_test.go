package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

const (
	testIssuer   = "https://id.acme.example/"
	testAudience = "acme-loyalty"
)

var testNow = time.Unix(1_750_000_000, 0)

func fixedNow() time.Time { return testNow }

// testKeys are generated once per test binary: RSA generation is slow.
var testKeys struct {
	once                   sync.Once
	rsa, rsa2, rsaAttacker *rsa.PrivateKey
	ec                     *ecdsa.PrivateKey
	ed                     ed25519.PrivateKey
}

func keysForTest(t testing.TB) {
	t.Helper()
	testKeys.once.Do(func() {
		var err error
		for _, p := range []**rsa.PrivateKey{&testKeys.rsa, &testKeys.rsa2, &testKeys.rsaAttacker} {
			if *p, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		}
		if testKeys.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if _, testKeys.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
	})
}

// pubJWK renders a public key as a JWK map with kid and, if non-empty, alg.
func pubJWK(t testing.TB, key crypto.Signer, kid, alg string) map[string]any {
	t.Helper()
	k, err := jwk.FromRaw(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if kid != "" {
		m["kid"] = kid
	}
	if alg != "" {
		m["alg"] = alg
	}
	m["use"] = "sig"
	return m
}

func jwksJSON(t testing.TB, keys ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseSet(t testing.TB, keys ...map[string]any) *jwks.Set {
	t.Helper()
	set, err := jwks.Parse(jwksJSON(t, keys...))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// standardSet: RSA "rsa-1" (RS256), EC "ec-1" (ES256), Ed25519 "ed-1" (no alg).
func standardSet(t testing.TB) *jwks.Set {
	keysForTest(t)
	return parseSet(t,
		pubJWK(t, testKeys.rsa, "rsa-1", "RS256"),
		pubJWK(t, testKeys.ec, "ec-1", "ES256"),
		pubJWK(t, testKeys.ed, "ed-1", ""),
	)
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signRaw makes a compact JWS over exactly these header and payload bytes.
// alg "none" (any case) gives an empty signature.
func signRaw(t testing.TB, alg string, key any, header, payload string) string {
	t.Helper()
	input := b64url([]byte(header)) + "." + b64url([]byte(payload))
	if key == nil {
		return input + "."
	}
	signer, err := jws.NewSigner(jwa.SignatureAlgorithm(alg))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signer.Sign([]byte(input), key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64url(sig)
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func goodClaims() map[string]any {
	return map[string]any{
		"iss": testIssuer,
		"aud": testAudience,
		"sub": "5b0d7d4e-6c1f-4b8a-9a51-0d7c1f0e2b11",
		"iat": testNow.Unix() - 10,
		"exp": testNow.Unix() + 600,
	}
}

func claimsWith(mod func(map[string]any)) map[string]any {
	c := goodClaims()
	if mod != nil {
		mod(c)
	}
	return c
}

// mint signs claims with the RSA test key under kid rsa-1.
func mint(t testing.TB, claims map[string]any) string {
	t.Helper()
	keysForTest(t)
	return signRaw(t, "RS256", testKeys.rsa, `{"alg":"RS256","kid":"rsa-1","typ":"JWT"}`, mustJSON(t, claims))
}

func testPolicy() Policy {
	return Policy{Issuer: testIssuer, Audience: testAudience, Now: fixedNow}
}

func mustVerifier(t testing.TB, p Policy, src KeySource) *Verifier {
	t.Helper()
	v, err := NewVerifier(p, src)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func findCheck(r Result, name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// countingSource serves set, and after a refresh serves next (if set).
type countingSource struct {
	mu        sync.Mutex
	set, next *jwks.Set
	err       error
	loads     atomic.Int32
	refreshes atomic.Int32
}

func (s *countingSource) Set(context.Context) (*jwks.Set, error) {
	s.loads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.set, s.err
}

func (s *countingSource) Refresh(context.Context) (*jwks.Set, error) {
	s.refreshes.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next != nil {
		s.set = s.next
	}
	return s.set, s.err
}
