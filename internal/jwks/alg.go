package jwks

import "strings"

// keyShape is the key a JWS algorithm needs.
type keyShape struct{ kty, crv string }

// signatureAlgs are the asymmetric JWS algorithms ciamctl can verify, sorted.
// Symmetric (HS*) and "none" are deliberately absent.
var signatureAlgs = []string{"ES256", "ES384", "ES512", "EdDSA", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"}

// shapeOf is the key each of signatureAlgs requires. (A switch, not a map:
// nothing to build when ciamctl starts.)
func shapeOf(alg string) (keyShape, bool) {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		return keyShape{"RSA", ""}, true
	case "ES256":
		return keyShape{"EC", "P-256"}, true
	case "ES384":
		return keyShape{"EC", "P-384"}, true
	case "ES512":
		return keyShape{"EC", "P-521"}, true
	case "EdDSA":
		return keyShape{"OKP", "Ed25519"}, true
	}
	return keyShape{}, false
}

// IsSignatureAlg reports whether alg is an asymmetric JWS algorithm ciamctl supports.
func IsSignatureAlg(alg string) bool {
	_, ok := shapeOf(alg)
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
	shape, ok := shapeOf(alg)
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
