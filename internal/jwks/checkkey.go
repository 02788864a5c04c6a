package jwks

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// ErrKeyRefused marks a key that fails the key checks (weak, broken, not
// for signatures): the same checks a published key set gets.
var ErrKeyRefused = errors.New("key refused")

// CheckedKey is one key that passed the checks.
type CheckedKey struct {
	Info KeyInfo
	Key  jwk.Key // the public key, as verification would use it
	// Notes are warnings that leave the key usable (an expired certificate).
	Notes []string
}

// CheckKey runs a key set's key checks on one public JWK, judged against
// every supported algorithm: a key that is weak, broken or not for
// signatures is an error wrapping ErrKeyRefused, naming every problem.
func CheckKey(publicJWK json.RawMessage, now time.Time) (CheckedKey, error) {
	doc, err := json.Marshal(map[string][]json.RawMessage{"keys": {publicJWK}})
	if err != nil {
		return CheckedKey{}, err
	}
	s, err := ParseAt(doc, now)
	if err != nil {
		return CheckedKey{}, err
	}
	var msgs, notes []string
	for _, p := range s.Problems {
		if p.class == classNoUsableKey {
			continue
		}
		if p.Severity == SeverityError || !s.Keys[0].Usable {
			msgs = append(msgs, p.Message)
		} else {
			notes = append(notes, p.Message)
		}
	}
	if !s.Keys[0].Usable || len(msgs) > 0 {
		if len(msgs) == 0 {
			msgs = []string{"the key cannot verify signatures"}
		}
		return CheckedKey{Info: s.Keys[0]}, fmt.Errorf("%w: %s", ErrKeyRefused, strings.Join(msgs, "; "))
	}
	return CheckedKey{Info: s.Keys[0], Key: s.usable[0], Notes: notes}, nil
}
