package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrPointer marks a claim reference that is not a valid RFC 6901 JSON Pointer.
var ErrPointer = errors.New("invalid JSON pointer")

// DecodeClaims decodes a claims object keeping numbers as json.Number, so a numeric claim is reported
// as such instead of being silently turned into a float.
func DecodeClaims(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		return nil, fmt.Errorf("claims are not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, errors.New("claims: trailing data after the JSON object")
	}
	if claims == nil {
		return nil, errors.New("claims: null instead of a JSON object")
	}
	return claims, nil
}

// IsPointer tells whether a claim reference is a JSON Pointer (it starts with "/"); anything else is a
// claim name taken literally, dots and URLs included.
func IsPointer(ref string) bool { return strings.HasPrefix(ref, "/") }

// Extract resolves a claim reference. found is false when the claim (or a pointer step) is absent;
// err is non-nil only for a malformed pointer.
func Extract(claims map[string]any, ref string) (value any, found bool, err error) {
	if !IsPointer(ref) {
		v, ok := claims[ref]
		return v, ok, nil
	}
	tokens, err := parsePointer(ref)
	if err != nil {
		return nil, false, err
	}
	v, found := walk(claims, tokens)
	return v, found, nil
}

// walk follows a pointer's reference tokens from claims.
func walk(claims map[string]any, tokens []string) (any, bool) {
	var cur any = claims
	for _, tok := range tokens {
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, ok := arrayIndex(tok)
			if !ok || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// parsePointer splits "/a/b~1c" into ["a", "b/c"]: ~1 is decoded before ~0, as RFC 6901 section 4 requires.
func parsePointer(ref string) ([]string, error) {
	parts := strings.Split(ref[1:], "/")
	for i, p := range parts {
		for j := 0; j < len(p); j++ {
			if p[j] == '~' && (j+1 == len(p) || (p[j+1] != '0' && p[j+1] != '1')) {
				return nil, fmt.Errorf("%w %q: '~' must be followed by 0 or 1 (write ~0 for '~' and ~1 for '/')", ErrPointer, ref)
			}
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

// arrayIndex accepts "0" or a number without leading zeros; "-" (past the end) never matches.
func arrayIndex(tok string) (int, bool) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	for _, r := range tok {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(tok)
	return i, err == nil
}

// escapeToken is the inverse of a pointer token's decoding.
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
