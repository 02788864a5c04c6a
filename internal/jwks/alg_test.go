package jwks

import (
	"slices"
	"testing"
)

// The list and the switch name the same algorithms, and the list is sorted
// (SignatureAlgorithms returns it as it stands).
func TestSignatureAlgsListAndShapesAgree(t *testing.T) {
	if !slices.IsSorted(signatureAlgs) {
		t.Errorf("signatureAlgs not sorted: %v", signatureAlgs)
	}
	for _, a := range signatureAlgs {
		if _, ok := shapeOf(a); !ok {
			t.Errorf("%s has no key shape", a)
		}
	}
	for _, a := range []string{"HS256", "none", "RSA-OAEP", "rs256", "ES256K", ""} {
		if IsSignatureAlg(a) {
			t.Errorf("IsSignatureAlg(%q) = true", a)
		}
	}
	for _, c := range []struct {
		alg, kty, crv string
		fits          bool
	}{
		{"RS256", "RSA", "", true}, {"PS512", "RSA", "", true}, {"ES256", "EC", "P-256", true},
		{"ES256", "EC", "P-384", false}, {"ES512", "EC", "P-521", true}, {"EdDSA", "OKP", "Ed25519", true},
		{"EdDSA", "OKP", "X25519", false}, {"RS256", "EC", "P-256", false},
	} {
		if got := AlgFits(c.alg, c.kty, c.crv); got != c.fits {
			t.Errorf("AlgFits(%s, %s, %s) = %v", c.alg, c.kty, c.crv, got)
		}
	}
}
