package ciamemu

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Supported signing algorithms.
const (
	RS256 = "RS256"
	ES256 = "ES256"
)

type signingKey struct {
	alg       jwa.SignatureAlgorithm
	priv, pub jwk.Key
	retiredAt time.Time // zero while it signs
}

func (k *signingKey) kid() string { return k.priv.KeyID() }

// newSigningKey makes a key for alg; a seeded reader gives the same key every run.
func newSigningKey(alg string, r io.Reader, seeded bool) (*signingKey, error) {
	var raw crypto.Signer
	var err error
	switch alg {
	case RS256:
		if seeded {
			raw, err = seededRSA(r, 2048)
		} else {
			raw, err = rsa.GenerateKey(rand.Reader, 2048)
		}
	case ES256:
		raw, err = seededOrRandomP256(r, seeded)
	default:
		return nil, fmt.Errorf("ciamemu: unsupported algorithm %q", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("ciamemu: generating %s key: %w", alg, err)
	}
	priv, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, err
	}
	// kid from the RFC 7638 thumbprint: stable for a given key, different after rotation.
	tp, err := priv.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	kid := base64.RawURLEncoding.EncodeToString(tp)[:16]
	sa := jwa.SignatureAlgorithm(alg)
	for _, kv := range []struct {
		k string
		v any
	}{{jwk.KeyIDKey, kid}, {jwk.AlgorithmKey, sa}, {jwk.KeyUsageKey, "sig"}} {
		if err := priv.Set(kv.k, kv.v); err != nil {
			return nil, err
		}
	}
	pub, err := jwk.PublicKeyOf(priv)
	if err != nil {
		return nil, err
	}
	return &signingKey{alg: sa, priv: priv, pub: pub}, nil
}

func seededOrRandomP256(r io.Reader, seeded bool) (*ecdsa.PrivateKey, error) {
	if !seeded {
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	b := make([]byte, 32)
	for {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b); err == nil {
			return k, nil // out-of-range scalars are rejected: draw again
		}
	}
}

// seededRSA builds an RSA key from a deterministic stream. Since Go 1.26 rsa.GenerateKey ignores its
// reader, so reproducible test keys need their own prime search.
func seededRSA(r io.Reader, bits int) (*rsa.PrivateKey, error) {
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, err := seededPrime(r, bits/2)
		if err != nil {
			return nil, err
		}
		q, err := seededPrime(r, bits/2)
		if err != nil {
			return nil, err
		}
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if err := k.Validate(); err != nil {
			continue
		}
		return k, nil
	}
}

func seededPrime(r io.Reader, bits int) (*big.Int, error) {
	b := make([]byte, bits/8)
	for {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		b[0] |= 0xc0 // top two bits: the product has exactly 2·bits bits
		b[len(b)-1] |= 1
		p := new(big.Int).SetBytes(b)
		if p.ProbablyPrime(20) {
			return p, nil
		}
	}
}
