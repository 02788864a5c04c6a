package oidc

import (
	"bytes"

	"github.com/ciamctl/ciamctl/internal/jsonscan"
)

// maxFastKeys bounds the members per object the fast path compares
// pairwise; bigger objects (never seen in real tokens) take the slow path,
// so an attacker cannot make the comparison quadratic.
const maxFastKeys = 64

// strictObjectFast reports whether data is certainly one JSON object with
// unique member names and nesting within MaxJSONDepth, without allocating.
// false means "not sure": checkJSONObject then decides and explains.
// jsonscan.Valid settles the syntax (as json.Valid would, faster; what it
// does not vouch for takes the slow path), so the walk below only has to find
// structure and member names. Names with escapes are left to the slow path,
// which compares them decoded ("a" and "\u0061" are the same name).
func strictObjectFast(data []byte) bool {
	if !jsonscan.Valid(data) {
		return false
	}
	type frame struct {
		object   bool
		keyStart int
	}
	var frames [MaxJSONDepth]frame
	var keyBuf [maxFastKeys][2]int
	keys := keyBuf[:0]
	depth := 0
	expectKey := false
	seenRoot := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			if !seenRoot && c != '{' {
				return false
			}
			seenRoot = true
			if depth >= MaxJSONDepth {
				return false
			}
			frames[depth] = frame{object: c == '{', keyStart: len(keys)}
			depth++
			expectKey = c == '{'
		case '}', ']':
			depth--
			keys = keys[:frames[depth].keyStart]
			expectKey = false
			if depth == 0 {
				return true // json.Valid: only whitespace follows
			}
		case ',':
			expectKey = frames[depth-1].object
		case '"':
			if !seenRoot {
				return false
			}
			end, ok := stringEnd(data, i)
			if !ok {
				return false
			}
			if expectKey {
				name := data[i+1 : end]
				if bytes.IndexByte(name, '\\') >= 0 {
					return false
				}
				start := frames[depth-1].keyStart
				if len(keys)-start >= maxFastKeys {
					return false
				}
				for _, k := range keys[start:] {
					if bytes.Equal(data[k[0]:k[1]], name) {
						return false
					}
				}
				keys = append(keys, [2]int{i + 1, end})
				expectKey = false
			}
			i = end
		default:
			if !seenRoot && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
		}
	}
	return false
}
