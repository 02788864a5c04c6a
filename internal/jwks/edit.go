package jwks

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Errors of editing a key set document; each wraps the sentinel below it.
var (
	// ErrDuplicateKid: a key to add has a kid the set already holds.
	ErrDuplicateKid = errors.New("duplicate kid")
	// ErrDuplicateKey: a key to add is already in the set, under another kid.
	ErrDuplicateKey = errors.New("key already in the set")
	// ErrKidNotFound: a kid to remove matches no key.
	ErrKidNotFound = errors.New("no key with this kid")
	// ErrPrivateInSet: the set would be written with private key material.
	ErrPrivateInSet = errors.New("private key material in the set")
)

// SetDoc is a JWK set document being edited: its keys as written, and its
// other top-level members, which are kept.
type SetDoc struct {
	members map[string]json.RawMessage
	keys    []json.RawMessage
}

// NewSetDoc is an empty set.
func NewSetDoc() *SetDoc { return &SetDoc{members: map[string]json.RawMessage{}} }

// ParseSetDoc reads a JWK set for editing. Its keys are kept as written;
// only their kid and public members are read.
func ParseSetDoc(data []byte) (*SetDoc, error) {
	kf, err := DecodeKeyFile(data)
	if err != nil {
		return nil, err
	}
	if kf.Format != FormatJWKS {
		return nil, fmt.Errorf("%w: it is a %s, not a JWK set", ErrNotKeyFile, kf.Format)
	}
	d := NewSetDoc()
	if err := json.Unmarshal(data, &d.members); err != nil {
		return nil, err
	}
	delete(d.members, "keys")
	for _, k := range kf.Keys {
		d.keys = append(d.keys, k.JWK)
	}
	return d, nil
}

// Len is the number of keys.
func (d *SetDoc) Len() int { return len(d.keys) }

// keyID is a key's kid, and for a key without one its RFC 7638 SHA-256
// thumbprint, by which tokens name it (thumb is "" when it has a kid).
func keyID(raw json.RawMessage) (kid, thumb string) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) == nil {
		kid, _ = stringMember(fields, "kid")
	}
	if kid != "" {
		return kid, ""
	}
	if key, err := jwk.ParseKey(raw); err == nil {
		thumb, _ = Thumbprint(key, crypto.SHA256)
	}
	return "", thumb
}

func thumbOf(raw json.RawMessage) string {
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return ""
	}
	tp, _ := Thumbprint(key, crypto.SHA256)
	return tp
}

// Add appends a checked public key under kid. A kid the set has, or a key
// it already holds, is refused.
func (d *SetDoc) Add(key jwk.Key, kid string) error {
	tp, err := Thumbprint(key, crypto.SHA256)
	if err != nil {
		return err
	}
	for _, raw := range d.keys {
		have, haveThumb := keyID(raw)
		switch {
		case thumbOf(raw) == tp:
			if have == "" {
				return fmt.Errorf("%w: the set already holds this key, without kid", ErrDuplicateKey)
			}
			return fmt.Errorf("%w: the set already holds this key, as kid %q", ErrDuplicateKey, have)
		case have == kid || haveThumb == kid:
			return fmt.Errorf("%w: the set already has a key with kid %q", ErrDuplicateKid, kid)
		}
	}
	pub, err := key.Clone()
	if err != nil {
		return err
	}
	if err := pub.Set(jwk.KeyIDKey, kid); err != nil {
		return err
	}
	raw, err := json.Marshal(pub)
	if err != nil {
		return err
	}
	if hasPrivateMembers(raw) {
		return fmt.Errorf("%w: kid %q", ErrPrivateInSet, kid)
	}
	d.keys = append(d.keys, raw)
	return nil
}

// Remove drops every key with this kid, or without kid and with this RFC
// 7638 thumbprint, and says how many went.
func (d *SetDoc) Remove(kid string) (int, error) {
	kept := d.keys[:0:0]
	for _, raw := range d.keys {
		if have, thumb := keyID(raw); have == kid || (have == "" && thumb == kid) {
			continue
		}
		kept = append(kept, raw)
	}
	n := len(d.keys) - len(kept)
	if n == 0 {
		return 0, fmt.Errorf("%w: %q", ErrKidNotFound, kid)
	}
	d.keys = kept
	return n, nil
}

// Kids lists the keys' kids (a key without one by its thumbprint).
func (d *SetDoc) Kids() []string {
	out := make([]string, 0, len(d.keys))
	for _, raw := range d.keys {
		kid, thumb := keyID(raw)
		if kid == "" {
			kid = thumb
		}
		out = append(out, kid)
	}
	return out
}

// Marshal renders the set, indented, ending in a newline. It refuses to
// render private key material: only public keys are ever written to a set.
func (d *SetDoc) Marshal() ([]byte, error) {
	for i, raw := range d.keys {
		if hasPrivateMembers(raw) {
			kid, _ := keyID(raw)
			if kid == "" {
				kid = fmt.Sprintf("#%d", i)
			}
			return nil, fmt.Errorf("%w: key %s holds private or secret members; remove it (jwks remove) or replace it with its public half (keys public)", ErrPrivateInSet, kid)
		}
	}
	doc := make(map[string]any, len(d.members)+1)
	for k, v := range d.members {
		doc[k] = v
	}
	keys := d.keys
	if keys == nil {
		keys = []json.RawMessage{}
	}
	doc["keys"] = keys
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
