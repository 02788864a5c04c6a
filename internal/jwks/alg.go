package jwks

import "strings"

// keyShape is the key a JWS algorithm needs.
type keyShape struct{ kty, crv string }

// signatureAlgs are the asymmetric JWS algorithms ciamctl can verify, with the
// key each one requires. Symmetric (HS*) and "none" are deliberately absent.
var signatureAlgs = map[string]keyShape{
	"RS256": {"RSA", ""}, "RS384": {"RSA", ""}, "RS512": {"RSA", ""},
	"PS256": {"RSA", ""}, "PS384": {"RSA", ""}, "PS512": {"RSA", ""},
	"ES256": {"EC", "P-256"}, "ES384": {"EC", "P-384"}, "ES512": {"EC", "P-521"},
	"EdDSA": {"OKP", "Ed25519"},
}

// IsSignatureAlg reports whether alg is an asymmetric JWS algorithm ciamctl supports.
func IsSignatureAlg(alg string) bool {
	_, ok := signatureAlgs[alg]
	return ok
}

// IsForbiddenAlg reports algorithms that are never acceptable for ID tokens:
// "none" in any letter case and every HMAC (HS*) algorithm, whose "key" would
// have to be shared with every verifier.
func IsForbiddenAlg(alg string) bool {
	return strings.EqualFold(alg, "none") || strings.HasPrefix(strings.ToUpper(alg), "HS")
}

// AlgFits reports whether a key of type kty (and curve crv, for EC and OKP)
// can verify alg, e.g. ES256 needs an EC P-256 key.
func AlgFits(alg, kty, crv string) bool {
	shape, ok := signatureAlgs[alg]
	if !ok || shape.kty != kty {
		return false
	}
	return shape.crv == "" || shape.crv == crv
}

// IsEncryptionAlg reports JWE key-management algorithms (RFC 7518 §4): a
// key published with one of them is for encrypting to the provider, not for
// verifying its signatures.
func IsEncryptionAlg(alg string) bool {
	switch {
	case alg == "dir", alg == "RSA1_5", strings.HasPrefix(alg, "RSA-OAEP"), strings.HasPrefix(alg, "ECDH-ES"),
		strings.HasPrefix(alg, "PBES2-"):
		return true
	case len(alg) > 4 && alg[0] == 'A' && (strings.HasSuffix(alg, "KW") || strings.HasSuffix(alg, "GCMKW")):
		return true // A128KW … A256GCMKW
	}
	return false
}
