package mapping

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/ciamctl/ciamctl/internal/jsonscan"
)

// rawSource reads claims straight from a JSON line, decoding only the
// values the mappings reach: a batch maps millions of lines, and building
// a map of every claim is most of the cost of mapping one. It gives what
// DecodeClaims would (the last of duplicate names wins, as encoding/json's
// map decoding does; strings are decoded by encoding/json whenever they
// hold an escape or invalid UTF-8).
type rawSource struct {
	top []jsonscan.Member // names without escapes
}

// scanClaims accepts a line that is exactly one valid JSON object whose
// top-level names have no escapes, reusing s's member list; anything else
// (false) takes the DecodeClaims path, which decides and words the error.
func (s *rawSource) scan(raw []byte) bool {
	var ok bool
	if s.top, ok = jsonscan.Object(raw, s.top[:0]); !ok {
		return false
	}
	for _, m := range s.top {
		if bytes.IndexByte(m.Name, '\\') >= 0 {
			return false
		}
	}
	return true
}

func (s *rawSource) member(name string) (any, bool) {
	for i := len(s.top) - 1; i >= 0; i-- {
		if string(s.top[i].Name) == name {
			return decodeRaw(s.top[i].Value), true
		}
	}
	return nil, false
}

func (s *rawSource) pointer(tokens []string) (any, bool) {
	if len(tokens) == 0 {
		return map[string]any(nil), true // the whole object
	}
	var cur []byte
	for i := len(s.top) - 1; i >= 0; i-- {
		if string(s.top[i].Name) == tokens[0] {
			cur = s.top[i].Value
			break
		}
	}
	if cur == nil {
		return nil, false
	}
	for _, tok := range tokens[1:] {
		var next []byte
		switch cur[0] {
		case '{':
			eachMember(cur, 0, func(name, value []byte) bool {
				if memberName(name) == tok {
					next = value // the last one wins
				}
				return true
			})
		case '[':
			idx, ok := arrayIndex(tok)
			if !ok {
				return nil, false
			}
			n := 0
			eachElement(cur, func(value []byte) bool {
				if n == idx {
					next = value
					return false
				}
				n++
				return true
			})
		}
		if next == nil {
			return nil, false
		}
		cur = next
	}
	return decodeRaw(cur), true
}

// memberName decodes a member name; names are compared decoded.
func memberName(name []byte) string {
	if bytes.IndexByte(name, '\\') < 0 {
		return string(name)
	}
	var s string
	_ = json.Unmarshal(append(append([]byte{'"'}, name...), '"'), &s)
	return s
}

// decodeRaw turns a valid JSON value into what DecodeClaims would hold for
// it; objects and arrays only need their type.
func decodeRaw(v []byte) any {
	switch v[0] {
	case '"':
		body := v[1 : len(v)-1]
		if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
			return string(body)
		}
		var s string
		_ = json.Unmarshal(v, &s)
		return s
	case '{':
		return map[string]any(nil)
	case '[':
		return []any(nil)
	case 't':
		return true
	case 'f':
		return false
	case 'n':
		return nil
	}
	return json.Number(v)
}

// eachMember calls fn with each member of the valid JSON object starting
// at data[i]; it stops early (and reports false) when fn does.
func eachMember(data []byte, i int, fn func(name, value []byte) bool) bool {
	i = skipSpace(data, i+1)
	if data[i] == '}' {
		return true
	}
	for {
		end := stringEnd(data, i)
		name := data[i+1 : end]
		i = skipSpace(data, end+1) // at ':'
		start := skipSpace(data, i+1)
		stop := valueEnd(data, start)
		if !fn(name, data[start:stop]) {
			return false
		}
		i = skipSpace(data, stop)
		if data[i] == '}' {
			return true
		}
		i = skipSpace(data, i+1) // past ','
	}
}

// eachElement calls fn with each element of a valid JSON array until fn
// returns false.
func eachElement(data []byte, fn func(value []byte) bool) {
	i := skipSpace(data, 1)
	if data[i] == ']' {
		return
	}
	for {
		stop := valueEnd(data, i)
		if !fn(data[i:stop]) {
			return
		}
		i = skipSpace(data, stop)
		if data[i] == ']' {
			return
		}
		i = skipSpace(data, i+1)
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index of the quote closing the string at data[i].
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(data)
}

// valueEnd returns the index just past the valid JSON value at data[i].
func valueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return stringEnd(data, i) + 1
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = stringEnd(data, j)
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
		j++
	}
	return j
}
