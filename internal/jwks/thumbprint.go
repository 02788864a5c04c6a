package jwks

import (
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// thumbprints are a key's certificate thumbprints (RFC 7515 §4.1.7–8):
// as the JWK states them (x5t, x5t#S256) and as computed from its x5c[0].
// Azure AD v1 tokens name their key only by x5t.
type thumbprints struct {
	x5t, x5tS256         string // the JWK's own members
	certSHA1, certSHA256 string // of x5c[0], base64url
}

func certThumbprints(der []byte) (sha1Thumb, sha256Thumb string) {
	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(s1[:]), base64.RawURLEncoding.EncodeToString(s256[:])
}

// checkThumbprints reads the x5t members and notes one that is not a
// string or contradicts the certificate.
func (c *keyCheck) checkThumbprints(fields map[string]json.RawMessage) {
	for _, m := range []struct {
		name      string
		dst       *string
		certThumb string
	}{{"x5t", &c.thumbs.x5t, c.thumbs.certSHA1}, {"x5t#S256", &c.thumbs.x5tS256, c.thumbs.certSHA256}} {
		v, ok := stringMember(fields, m.name)
		switch {
		case !ok:
			c.note("%s is not a string", m.name)
		case v != "" && m.certThumb != "" && v != m.certThumb:
			c.note("%s does not match the x5c certificate's thumbprint", m.name)
			*m.dst = v
		default:
			*m.dst = v
		}
	}
}

// thumbIndex finds keys by thumbprint. Each key is indexed by what it
// states and by what its certificate hashes to.
type thumbIndex struct {
	sha1, sha256       map[string][]jwk.Key // usable keys only
	allSHA1, allSHA256 map[string]bool      // every key, usable or not
}

func (x *thumbIndex) add(t thumbprints, key jwk.Key, usable bool) {
	index := func(m *map[string][]jwk.Key, all *map[string]bool, thumbs ...string) {
		for i, th := range thumbs {
			if th == "" || (i > 0 && th == thumbs[0]) {
				continue
			}
			if *all == nil {
				*all = map[string]bool{}
			}
			(*all)[th] = true
			if usable {
				if *m == nil {
					*m = map[string][]jwk.Key{}
				}
				(*m)[th] = append((*m)[th], key)
			}
		}
	}
	index(&x.sha1, &x.allSHA1, t.x5t, t.certSHA1)
	index(&x.sha256, &x.allSHA256, t.x5tS256, t.certSHA256)
}

// ByThumbprint returns the usable keys whose certificate thumbprint is x5t
// (SHA-1) or x5tS256 (SHA-256), as a token's header names them; x5t#S256
// is preferred when both are given and it matches.
func (s *Set) ByThumbprint(x5t, x5tS256 string) []jwk.Key {
	if x5tS256 != "" {
		if keys := s.thumbs.sha256[x5tS256]; len(keys) > 0 {
			return keys
		}
	}
	if x5t != "" {
		return s.thumbs.sha1[x5t]
	}
	return nil
}

// HasThumbprint reports whether any key, usable or not, has this thumbprint.
func (s *Set) HasThumbprint(x5t, x5tS256 string) bool {
	return (x5t != "" && s.thumbs.allSHA1[x5t]) || (x5tS256 != "" && s.thumbs.allSHA256[x5tS256])
}

// HasThumbprints reports whether any key in the set states or carries a
// certificate thumbprint, so that a token's x5t can be matched at all.
func (s *Set) HasThumbprints() bool {
	return len(s.thumbs.allSHA1) > 0 || len(s.thumbs.allSHA256) > 0
}

// Thumbprint is a key's RFC 7638 JWK thumbprint with hash h, base64url
// without padding; a private key has its public half's thumbprint.
func Thumbprint(key jwk.Key, h crypto.Hash) (string, error) {
	if !h.Available() {
		return "", fmt.Errorf("hash %v is not available", h)
	}
	sum, err := key.Thumbprint(h)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}
