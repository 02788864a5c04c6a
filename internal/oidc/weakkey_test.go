package oidc

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"testing"
)

// smallOrderKeys are libsodium's small-order Ed25519 encodings (see
// internal/jwks/ed25519_test.go), each also with the sign bit set.
func smallOrderKeys(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, h := range []string{
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	} {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		signed := bytes.Clone(b)
		signed[31] |= 0x80
		out = append(out, b, signed)
	}
	return out
}

// forgeEdDSA builds a token "signed" for the small-order public key pub
// without any private key: R = the identity's encoding and S = 0, which
// crypto/ed25519 accepts whenever [k]A is the identity, k = H(R||A||M).
// For the identity that is every message; for a point of order 2, 4 or 8,
// one message in 2, 4 or 8, so the forger varies jti until one fits.
func forgeEdDSA(t *testing.T, pub []byte, header string) (string, bool) {
	t.Helper()
	sig := append([]byte{1}, make([]byte, 63)...)
	for jti := 0; jti < 256; jti++ {
		claims := claimsWith(func(c map[string]any) { c["jti"] = fmt.Sprint(jti); c["sub"] = "admin" })
		input := b64url([]byte(header)) + "." + b64url([]byte(mustJSON(t, claims)))
		if ed25519.Verify(ed25519.PublicKey(pub), []byte(input), sig) {
			return input + "." + b64url(sig), true
		}
	}
	return "", false
}

// A JWKS key that is a small-order point would verify tokens nobody
// signed. crypto/ed25519 accepts the forgeries below (checked first, so the
// test proves the attack is real); the verifier must not.
func TestVerifyRefusesForgeryForSmallOrderEd25519Key(t *testing.T) {
	keysForTest(t)
	for i, pub := range smallOrderKeys(t) {
		t.Run(fmt.Sprintf("%x", pub[:4])+fmt.Sprintf("-%d", i), func(t *testing.T) {
			weak := map[string]any{"kty": "OKP", "crv": "Ed25519", "kid": "weak", "use": "sig", "x": b64url(pub)}
			set := parseSet(t, weak, pubJWK(t, testKeys.rsa, "rsa-1", "RS256"))
			v := mustVerifier(t, testPolicy(), StaticSource{S: set})
			for _, header := range []string{`{"alg":"EdDSA","kid":"weak"}`, `{"alg":"EdDSA"}`} {
				tok, ok := forgeEdDSA(t, pub, header)
				if !ok {
					t.Fatalf("no forgery verifies with crypto/ed25519 for x=%x", pub)
				}
				res := v.Verify(context.Background(), tok)
				if res.Valid {
					t.Fatalf("%s: a forged token verified with the small-order key x=%x", header, pub)
				}
				if res.Reason != ReasonUnknownKid {
					t.Errorf("%s: reason %q (%s), want %q", header, res.Reason, res.Error, ReasonUnknownKid)
				}
			}
		})
	}
}
