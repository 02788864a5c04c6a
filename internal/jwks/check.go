package jwks

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// MinRSABits is the smallest RSA modulus accepted (NIST SP 800-131A).
const MinRSABits = 2048

// privateMembers are JWK members that only a private key has.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth"}

// keyCheck accumulates the verdict on one key.
type keyCheck struct {
	s      *Set
	index  int
	label  string
	usable bool
	notSig bool // already reported as not for signatures
	thumbs thumbprints
}

// note records a warning that leaves the key usable.
func (c *keyCheck) note(format string, args ...any) {
	c.s.found = append(c.s.found, Problem{Kid: c.label, Message: fmt.Sprintf(format, args...), key: c.index, class: classNote})
}

// reject records a problem of the given class and keeps the key out of
// verification. A key for something else is said to be so once (an X25519
// key with use: enc and alg ECDH-ES is one warning, not three).
func (c *keyCheck) reject(class problemClass, format string, args ...any) {
	if class == classNotForSigning {
		if c.notSig {
			return
		}
		c.notSig = true
	}
	c.s.found = append(c.s.found, Problem{Kid: c.label, Message: fmt.Sprintf(format, args...), key: c.index, class: class})
	c.usable = false
}

// checkKey inspects the i-th key of a set of n and returns what it is,
// when usable the public jwk.Key to verify with, and its thumbprints.
func (s *Set) checkKey(i int, raw json.RawMessage, n int, now time.Time) (KeyInfo, jwk.Key, thumbprints) {
	info := KeyInfo{Index: i}
	c := &keyCheck{s: s, index: i, label: fmt.Sprintf("#%d", i), usable: true}

	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		c.reject(classUnfit, "key is not a JSON object")
		return info, nil, c.thumbs
	}
	var kidOK bool
	info.Kid, kidOK = stringMember(fields, "kid")
	if info.Kid != "" {
		c.label = info.Kid
	}
	info.Kty, _ = stringMember(fields, "kty")
	info.Alg, _ = stringMember(fields, "alg")
	info.Use, _ = stringMember(fields, "use")
	info.Curve, _ = stringMember(fields, "crv")

	if !kidOK {
		c.reject(classUnfit, "kid is not a string")
	} else if info.Kid == "" && n > 1 {
		c.note("key has no kid: tokens can name it only by its RFC 7638 thumbprint (ciamctl keys thumbprint), else it is found by trial")
	}

	if info.Kty == "oct" {
		c.reject(classLeak, "symmetric (oct) key published: its secret is exposed to everyone and it is never used for verification")
		info.Curve = ""
		return info, nil, c.thumbs
	}
	var priv []string
	for _, m := range privateMembers {
		if _, ok := fields[m]; ok {
			priv = append(priv, m)
		}
	}
	if len(priv) > 0 {
		c.reject(classLeak, "private key material (%s) published: the key must be considered compromised", strings.Join(priv, ", "))
	}

	key, err := jwk.ParseKey(raw)
	if err != nil {
		c.reject(classUnfit, "cannot parse key: %v", err)
		return info, nil, c.thumbs
	}
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		c.reject(classUnfit, "cannot derive public key: %v", err)
		return info, nil, c.thumbs
	}
	var rawPub any
	if err := pub.Raw(&rawPub); err != nil {
		c.reject(classUnfit, "cannot use key: %v", err)
		return info, nil, c.thumbs
	}

	switch k := rawPub.(type) {
	case *rsa.PublicKey:
		info.Curve = ""
		info.Bits = k.N.BitLen()
		if info.Bits < MinRSABits {
			c.reject(classUnfit, "RSA modulus is %d bits; at least %d are required", info.Bits, MinRSABits)
		}
		if k.E < 3 || k.E%2 == 0 {
			c.reject(classUnfit, "RSA public exponent %d is invalid", k.E)
		}
	case *ecdsa.PublicKey:
		info.Bits = k.Curve.Params().BitSize
		switch info.Curve {
		case "P-256", "P-384", "P-521":
			if _, err := k.ECDH(); err != nil {
				c.reject(classUnfit, "EC public key is not a valid point on %s", info.Curve)
			}
		default:
			c.reject(classUnfit, "EC curve %s is not accepted (P-256, P-384, P-521 only)", info.Curve)
		}
	case ed25519.PublicKey:
		info.Bits = 256
		if len(k) != ed25519.PublicKeySize {
			c.reject(classUnfit, "Ed25519 public key has %d bytes, want %d", len(k), ed25519.PublicKeySize)
		} else if msg := ed25519Problem(k); msg != "" {
			c.reject(classUnfit, "%s", msg)
		}
	default:
		if info.Kty == "OKP" && (info.Curve == "X25519" || info.Curve == "X448") {
			// Published next to signing keys for encryption (PayPal does).
			c.reject(classNotForSigning, "%s is a key-agreement (encryption) curve: the key is not used for signatures", info.Curve)
		} else {
			c.reject(classUnfit, "key type %s (curve %s) cannot verify signatures (RSA, EC P-256/384/521 or OKP Ed25519 only)", info.Kty, info.Curve)
		}
	}

	if info.Use != "" && info.Use != "sig" {
		c.reject(classNotForSigning, "use is %q, not \"sig\": the key is not used for signatures", info.Use)
	}
	if ops := key.KeyOps(); ops != nil && !slices.Contains(ops, jwk.KeyOpVerify) {
		c.reject(classNotForSigning, "key_ops does not include \"verify\": the key is not used for signatures")
	}
	switch {
	case info.Alg == "":
	case IsForbiddenAlg(info.Alg):
		c.reject(classUnfit, "alg %s is never accepted for ID tokens", info.Alg)
	case IsEncryptionAlg(info.Alg):
		c.reject(classNotForSigning, "alg %s is a key-management (encryption) algorithm: the key is not used for signatures", info.Alg)
	case !IsSignatureAlg(info.Alg):
		c.reject(classUnfit, "alg %s is not a supported signature algorithm: the key is not used", info.Alg)
	case !AlgFits(info.Alg, info.Kty, info.Curve):
		c.reject(classUnfit, "alg %s does not fit key type %s%s", info.Alg, info.Kty, curveSuffix(info.Curve))
	}

	c.checkX5C(fields, rawPub, &info, now)
	c.checkThumbprints(fields)

	info.Usable = c.usable
	if !c.usable {
		return info, nil, c.thumbs
	}
	return info, pub, c.thumbs
}

// checkX5C reports the leaf certificate's expiry and whether it carries the
// same public key as the JWK. Verification never uses the certificate.
func (c *keyCheck) checkX5C(fields map[string]json.RawMessage, rawPub any, info *KeyInfo, now time.Time) {
	raw, ok := fields["x5c"]
	if !ok {
		return
	}
	var chain []string
	if err := json.Unmarshal(raw, &chain); err != nil || len(chain) == 0 {
		c.note("x5c is not a non-empty array of certificates")
		return
	}
	der, err := base64.StdEncoding.DecodeString(chain[0])
	if err != nil {
		c.note("x5c[0] is not valid base64")
		return
	}
	c.thumbs.certSHA1, c.thumbs.certSHA256 = certThumbprints(der)
	cert, err := parseLeaf(der)
	if err != nil {
		c.note("x5c[0] is not a valid certificate: %v", err)
		return
	}
	notAfter := cert.notAfter.UTC()
	info.CertNotAfter = &notAfter
	if now.After(notAfter) {
		c.note("x5c leaf certificate expired on %s", notAfter.Format(time.RFC3339))
	}
	if eq, ok := cert.pub.(interface{ Equal(crypto.PublicKey) bool }); ok && !eq.Equal(rawPub) {
		c.reject(classUnfit, "x5c leaf certificate holds a different public key than the JWK")
	}
}

// stringMember returns a string member; ok is false when present but not a string.
func stringMember(fields map[string]json.RawMessage, name string) (string, bool) {
	raw, present := fields[name]
	if !present {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func curveSuffix(crv string) string {
	if crv == "" {
		return ""
	}
	return " on " + crv
}
