package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzValid: the fast validator never accepts what encoding/json
// refuses, and accepts every valid object it is meant for.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"sub":"u-1","email":"a@b"}`, `{"c":[{"e":"q"},{"e":"r"}]}`, `{"a":"\u00e9"}`, "{\"a\":\"\xff\"}", ` [1, "x", null, true] `, `{"a":1} }`} {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"a":-0.5e+3}`, `{"a":01}`, `{"a":1.}`, `{"a":"\u12"}`, `{"a":"\x"}`, "{\"a\":\"\t\"}", `{"a":[]}`, `{"a":{}}`, `{} x`, `{"a":tru}`, `{"a":-}`, `{"a":"\/"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, fast := Object(raw, nil)
		slow := json.Valid(raw)
		if Valid(raw) != slow && depth(raw) <= MaxDepth {
			t.Fatalf("%q: Valid %v, encoding/json %v", raw, !slow, slow)
		}
		if fast && !slow {
			t.Fatalf("%q: accepted, but encoding/json refuses it", raw)
		}
		if slow && !fast && len(raw) < 1000 {
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil && obj != nil && !bytes.Contains(raw, []byte(strings.Repeat("[", MaxDepth))) && !bytes.Contains(raw, []byte(strings.Repeat("{", MaxDepth))) {
				// A valid object within the depth limit must be accepted.
				if depth(raw) <= MaxDepth {
					t.Fatalf("%q: valid object refused", raw)
				}
			}
		}
	})
}

// depth is the deepest nesting of brackets outside strings.
func depth(raw []byte) int {
	d, most, inStr := 0, 0, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '{' || c == '['):
			d++
			most = max(most, d)
		case !inStr && (c == '}' || c == ']'):
			d--
		}
	}
	return most
}
