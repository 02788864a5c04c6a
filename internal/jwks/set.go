// Package jwks parses, checks and fetches JSON Web Key Sets.
//
// A Set separates what a published JWKS says (Keys, Problems — for
// `jwks inspect`) from what verification may use (ByKid, Usable), which is
// resolved once at parse time because verification sits on a hot path.
package jwks

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Severity of a Problem.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is something wrong with a key or the set. Kid is the key's kid, or
// "#N" (its index) when it has none, or "" for the set as a whole.
type Problem struct {
	Kid      string   `json:"kid"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`

	key   int // index into Set.Keys; -1 for the set as a whole
	class problemClass
}

// NoUsableKey reports the set-level problem that no usable key can verify
// an allowed algorithm, which callers may word in their own terms.
func (p Problem) NoUsableKey() bool { return p.class == classNoUsableKey }

// KeyInfo describes one published key.
type KeyInfo struct {
	Index        int        `json:"index"`
	Kid          string     `json:"kid"`
	Kty          string     `json:"kty"`
	Alg          string     `json:"alg,omitempty"`
	Use          string     `json:"use,omitempty"`
	Bits         int        `json:"bits,omitempty"`
	Curve        string     `json:"crv,omitempty"`
	CertNotAfter *time.Time `json:"cert_not_after,omitempty"`
	Usable       bool       `json:"usable"`
	// Thumbprint is a usable key's RFC 7638 SHA-256 thumbprint, by which a
	// token may name a key that has no kid.
	Thumbprint string `json:"thumbprint,omitempty"`
}

// Set is a parsed and checked JWKS.
type Set struct {
	Keys []KeyInfo `json:"keys"`
	// Problems are judged against every supported algorithm; Judge judges
	// them against an allow-list.
	Problems []Problem `json:"problems"`

	found  []Problem            // as found, before judging
	byKid  map[string][]jwk.Key // usable keys only
	allKid map[string]bool      // every kid seen, usable or not
	thumbs thumbIndex           // keys by x5t / x5t#S256
	// byJWKThumb holds the usable keys without a kid by their RFC 7638
	// SHA-256 thumbprint (base64url), the kid a token names them by.
	byJWKThumb map[string][]jwk.Key
	usable     []jwk.Key
	raw        map[jwk.Key]any // crypto form of each usable key, resolved once
}

// Raw returns the crypto public key (*rsa.PublicKey, *ecdsa.PublicKey,
// ed25519.PublicKey) behind a usable key of this set, converted at parse
// time so verifying a token costs no conversion.
func (s *Set) Raw(k jwk.Key) (any, bool) {
	raw, ok := s.raw[k]
	return raw, ok
}

// ByKid returns the usable keys with this kid (normally one).
func (s *Set) ByKid(kid string) []jwk.Key { return s.byKid[kid] }

// ByJWKThumbprint returns the usable keys without a kid whose RFC 7638
// SHA-256 thumbprint is kid: keys from PEM or DER files carry no kid, and
// a token names them by their thumbprint (as keys generate's default kid).
func (s *Set) ByJWKThumbprint(kid string) []jwk.Key { return s.byJWKThumb[kid] }

// HasKid reports whether any key, usable or not, carries this kid.
func (s *Set) HasKid(kid string) bool { return s.allKid[kid] }

// Usable returns every key that may verify signatures, in set order.
func (s *Set) Usable() []jwk.Key { return s.usable }

// Parse parses and checks a JWKS, judging certificate expiry against time.Now.
func Parse(data []byte) (*Set, error) { return ParseAt(data, time.Now()) }

// ParseAt is Parse with an explicit clock for certificate expiry.
// It fails only when the document is not a JWKS at all; individual bad keys
// become Problems and are left out of ByKid/Usable.
func ParseAt(data []byte, now time.Time) (*Set, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	rawKeys, ok := doc["keys"]
	if !ok {
		if _, single := doc["kty"]; single {
			return nil, errors.New(`this is a single JWK, not a key set (expected {"keys": [...]})`)
		}
		return nil, errors.New(`no "keys" member`)
	}
	var keys []json.RawMessage
	if err := json.Unmarshal(rawKeys, &keys); err != nil || bytes.Equal(bytes.TrimSpace(rawKeys), []byte("null")) {
		return nil, errors.New(`"keys" is not an array`)
	}

	s := &Set{
		Keys:     make([]KeyInfo, 0, len(keys)),
		Problems: []Problem{},
		byKid:    map[string][]jwk.Key{},
		allKid:   map[string]bool{},
		raw:      map[jwk.Key]any{},
	}
	if len(keys) == 0 {
		s.found = append(s.found, Problem{Message: "the set contains no keys", key: -1, class: classLeak})
	}
	kidCount := map[string]int{}
	for i, raw := range keys {
		info, key, thumbs := s.checkKey(i, raw, len(keys), now)
		s.Keys = append(s.Keys, info)
		if info.Kid != "" {
			kidCount[info.Kid]++
			s.allKid[info.Kid] = true
		}
		if info.Usable {
			var raw any
			if err := key.Raw(&raw); err != nil {
				info.Usable = false
				s.Keys[len(s.Keys)-1] = info
				s.found = append(s.found, Problem{Kid: info.Kid, Message: "key material cannot be used: " + err.Error(), key: i, class: classUnfit})
				s.thumbs.add(thumbs, nil, false)
				continue
			}
			s.raw[key] = raw
			s.usable = append(s.usable, key)
			tp, _ := Thumbprint(key, crypto.SHA256)
			s.Keys[len(s.Keys)-1].Thumbprint = tp
			if info.Kid != "" {
				s.byKid[info.Kid] = append(s.byKid[info.Kid], key)
			} else if tp != "" {
				if s.byJWKThumb == nil {
					s.byJWKThumb = map[string][]jwk.Key{}
				}
				s.byJWKThumb[tp] = append(s.byJWKThumb[tp], key)
			}
		}
		s.thumbs.add(thumbs, key, info.Usable)
	}
	for i, info := range s.Keys {
		// Report each duplicated kid once, at its first occurrence.
		if n := kidCount[info.Kid]; n > 1 {
			s.found = append(s.found, Problem{Kid: info.Kid, Message: fmt.Sprintf("duplicate kid: %d keys share it, so the kid does not identify one key", n), key: i, class: classNote})
			kidCount[info.Kid] = 0
		}
	}
	s.Problems = s.Judge(nil).Problems
	return s, nil
}
