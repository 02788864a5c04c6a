// Package keys makes test key material: key pairs as JWKs and signed test
// tokens, for CI fixtures and the sandbox. It is not a key-management tool.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// RSABits is the default modulus size of generated RSA keys: the smallest
// size the verifier accepts, which keeps generation fast in tests and CI.
const RSABits = 2048

// RSASizes are the modulus sizes GenerateSized accepts, as step offers.
var RSASizes = []int{2048, 3072, 4096}

// Algorithms lists what Generate accepts.
var Algorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// Generate creates a key pair for alg and returns the private key as a JWK
// and the public key as a one-key JWKS, both with alg, kid and use "sig".
// An empty kid becomes the key's RFC 7638 SHA-256 thumbprint.
func Generate(alg, kid string) (privateJWK, publicJWKS []byte, err error) {
	return GenerateSized(alg, kid, RSABits)
}

// GenerateSized is Generate with the RSA modulus size (one of RSASizes);
// rsaBits is ignored for other algorithms.
func GenerateSized(alg, kid string, rsaBits int) (privateJWK, publicJWKS []byte, err error) {
	if !slices.Contains(RSASizes, rsaBits) {
		return nil, nil, fmt.Errorf("RSA key size %d is not offered (use one of %v)", rsaBits, RSASizes)
	}
	raw, err := newRawKey(alg, rsaBits)
	if err != nil {
		return nil, nil, err
	}
	priv, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("converting key: %w", err)
	}
	pubRaw := raw.(crypto.Signer).Public()
	pub, err := jwk.FromRaw(pubRaw)
	if err != nil {
		return nil, nil, fmt.Errorf("converting public key: %w", err)
	}
	if kid == "" {
		tp, err := pub.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, nil, fmt.Errorf("thumbprint: %w", err)
		}
		kid = base64.RawURLEncoding.EncodeToString(tp)
	}
	for _, k := range []jwk.Key{priv, pub} {
		if err := setMeta(k, alg, kid); err != nil {
			return nil, nil, err
		}
	}
	privateJWK, err = json.MarshalIndent(priv, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	set := jwk.NewSet()
	if err := set.AddKey(pub); err != nil {
		return nil, nil, err
	}
	publicJWKS, err = json.MarshalIndent(set, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return append(privateJWK, '\n'), append(publicJWKS, '\n'), nil
}

// IsRSA reports whether alg signs with an RSA key.
func IsRSA(alg string) bool {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		return true
	}
	return false
}

func newRawKey(alg string, rsaBits int) (any, error) {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ES512":
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "EdDSA":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("unsupported algorithm %q (want one of %v)", alg, Algorithms)
}

func setMeta(k jwk.Key, alg, kid string) error {
	if err := k.Set(jwk.AlgorithmKey, jwa.SignatureAlgorithm(alg)); err != nil {
		return err
	}
	if err := k.Set(jwk.KeyIDKey, kid); err != nil {
		return err
	}
	return k.Set(jwk.KeyUsageKey, "sig")
}
