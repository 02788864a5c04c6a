package jwks

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"

	"filippo.io/edwards25519"
)

// smallOrderEncodings is libsodium's blocklist of small-order Ed25519 points
// (crypto_core/ed25519/ref10, ge25519_has_small_order): every encoding of a
// point of order 1, 2, 4 or 8, canonical and not, with the sign bit clear.
// libsodium compares ignoring the sign bit, so each entry also stands for
// the same bytes with 0x80 set in the last byte.
var smallOrderEncodings = []string{
	"0000000000000000000000000000000000000000000000000000000000000000", // y=0, order 4
	"0100000000000000000000000000000000000000000000000000000000000000", // y=1, the identity
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y=p-1, order 2
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y=p, non-canonical 0
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y=p+1, non-canonical identity
}

// allSmallOrderEncodings is the blocklist with and without the sign bit.
func allSmallOrderEncodings(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, h := range smallOrderEncodings {
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

func okpKey(kid string, x []byte) map[string]any {
	return map[string]any{"kty": "OKP", "crv": "Ed25519", "kid": kid, "use": "sig", "alg": "EdDSA", "x": b64(x)}
}

// Every small-order encoding is refused at parse time, so no token can be
// "verified" with a key that accepts forged signatures for any message.
func TestParseRefusesSmallOrderEd25519(t *testing.T) {
	testKeys(t)
	var keys []map[string]any
	encs := allSmallOrderEncodings(t)
	for i, x := range encs {
		keys = append(keys, okpKey(fmt.Sprintf("weak-%02d", i), x))
	}
	keys = append(keys, okpKey("good", keyMaterial.ed.Public().(ed25519.PublicKey)))
	set, err := ParseAt(setJSON(t, keys...), testNow)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range encs {
		kid := fmt.Sprintf("weak-%02d", i)
		k := set.Keys[i]
		if k.Usable || len(set.ByKid(kid)) != 0 {
			t.Errorf("%s (x=%x) is usable", kid, x)
		}
		if !hasProblem(set, kid, "Ed25519 public key") {
			t.Errorf("%s (x=%x): no Ed25519 problem in %+v", kid, x, set.Problems)
		}
	}
	if !set.Keys[len(encs)].Usable {
		t.Errorf("a real Ed25519 key is refused: %+v", set.Problems)
	}
	// The two best-known weak keys are named as such, not only as odd points.
	for _, i := range []int{0, 2} { // all zero; 0x01 then zeros
		if kid := fmt.Sprintf("weak-%02d", i); !hasProblem(set, kid, "small-order") {
			t.Errorf("%s: want a small-order problem, got %+v", kid, set.Problems)
		}
	}
}

// The blocklist above is complete: the torsion component of random points
// runs through all eight small-order points, and each one's encoding is in
// it. This ties the test's list to the curve rather than to a copy of it.
func TestSmallOrderBlocklistIsComplete(t *testing.T) {
	blocked := map[string]bool{}
	for _, x := range allSmallOrderEncodings(t) {
		blocked[string(x)] = true
	}
	eight, err := new(edwards25519.Scalar).SetCanonicalBytes(append([]byte{8}, make([]byte, 31)...))
	if err != nil {
		t.Fatal(err)
	}
	invEight := new(edwards25519.Scalar).Invert(eight)
	seen := map[string]bool{}
	for i := 0; len(seen) < 8 && i < 2000; i++ {
		seed := make([]byte, 64)
		if _, err := rand.Read(seed); err != nil {
			t.Fatal(err)
		}
		s, err := new(edwards25519.Scalar).SetUniformBytes(seed)
		if err != nil {
			t.Fatal(err)
		}
		// A random point with a random torsion part: decode random bytes.
		p, err := new(edwards25519.Point).SetBytes(seed[:32])
		if err != nil {
			continue
		}
		p.Add(p, new(edwards25519.Point).ScalarBaseMult(s))
		// T = P - [1/8]([8]P) has [8]T = identity.
		prime := new(edwards25519.Point).ScalarMult(invEight, new(edwards25519.Point).MultByCofactor(p))
		torsion := new(edwards25519.Point).Subtract(p, prime)
		enc := torsion.Bytes()
		seen[string(enc)] = true
		if !blocked[string(enc)] {
			t.Errorf("small-order point %x is not in the blocklist", enc)
		}
	}
	if len(seen) != 8 {
		t.Fatalf("found %d small-order points, want 8", len(seen))
	}
}
