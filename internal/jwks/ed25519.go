package jwks

import (
	"bytes"
	"crypto/ed25519"

	"filippo.io/edwards25519"
)

// ed25519Problem says why an Ed25519 public key must not verify anything,
// or "" when it is sound. crypto/ed25519 deliberately accepts any point
// (ZIP 215 rules), so a published key that is a small-order point — the
// identity, y=0, the order-2 and order-8 points, or a non-canonical
// encoding of one — accepts forged signatures: with the identity, R =
// identity and S = 0 "verify" for every message. As libsodium does, such
// keys are refused; unlike its blocklist, the test here is on the decoded
// point ([8]A is the identity), so no encoding can slip past.
func ed25519Problem(pub ed25519.PublicKey) string {
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return "Ed25519 public key is not a point on the curve"
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return "Ed25519 public key is a small-order point (weak key): it would accept forged signatures for any claims"
	}
	// Real keys are encodings of computed points, so they are canonical;
	// another encoding of the same point is refused as RFC 8032 §5.1.3 does.
	if !bytes.Equal(p.Bytes(), pub) {
		return "Ed25519 public key is not canonically encoded"
	}
	return ""
}
