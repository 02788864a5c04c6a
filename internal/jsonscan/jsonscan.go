// Package jsonscan validates JSON faster than encoding/json's Valid, for
// the hot paths of batches: mapping a profile and checking a token's
// header and claims. It may refuse valid JSON it does not bother with
// (nesting deeper than MaxDepth), so callers fall back to encoding/json
// on false; it never accepts what encoding/json refuses (FuzzValid holds it
// to that), so true means encoding/json would decode it.
package jsonscan

// MaxDepth is the deepest nesting accepted.
const MaxDepth = 64

// Member is a top-level member of an object: its name as written (without
// quotes, escapes undecoded) and its raw value.
type Member struct {
	Name, Value []byte
}

type validator struct {
	d     []byte
	i     int
	depth int
	// top, when set, receives the outermost object's members.
	top *[]Member
}

func (v *validator) space() {
	for v.i < len(v.d) {
		switch v.d[v.i] {
		case ' ', '\t', '\n', '\r':
			v.i++
		default:
			return
		}
	}
}

func (v *validator) value() bool {
	if v.i >= len(v.d) {
		return false
	}
	switch c := v.d[v.i]; {
	case c == '"':
		return v.str()
	case c == '{':
		return v.object()
	case c == '[':
		return v.array()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return v.number()
	}
	return false
}

func (v *validator) literal(s string) bool {
	if len(v.d)-v.i < len(s) || string(v.d[v.i:v.i+len(s)]) != s {
		return false
	}
	v.i += len(s)
	return true
}

// str reads a string at d[i] == '"'. Bytes from 0x80 up pass as they are,
// as encoding/json accepts them (decoding replaces invalid UTF-8).
func (v *validator) str() bool {
	d := v.d
	for i := v.i + 1; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			v.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(d) {
				return false
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d) {
					return false
				}
				for _, h := range d[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

func (v *validator) digits() int {
	n := 0
	for v.i < len(v.d) && v.d[v.i] >= '0' && v.d[v.i] <= '9' {
		v.i++
		n++
	}
	return n
}

func (v *validator) number() bool {
	if v.d[v.i] == '-' {
		v.i++
	}
	if v.i >= len(v.d) {
		return false
	}
	if v.d[v.i] == '0' {
		v.i++
	} else if v.digits() == 0 {
		return false
	}
	if v.i < len(v.d) && v.d[v.i] == '.' {
		v.i++
		if v.digits() == 0 {
			return false
		}
	}
	if v.i < len(v.d) && (v.d[v.i] == 'e' || v.d[v.i] == 'E') {
		v.i++
		if v.i < len(v.d) && (v.d[v.i] == '+' || v.d[v.i] == '-') {
			v.i++
		}
		if v.digits() == 0 {
			return false
		}
	}
	return true
}

// object reads an object at d[i] == '{'; the outermost one's members
// (names without quotes, raw values) go to top when it is set.
func (v *validator) object() bool {
	if v.depth++; v.depth > MaxDepth {
		return false
	}
	v.i++
	v.space()
	if v.i < len(v.d) && v.d[v.i] == '}' {
		v.i++
		v.depth--
		return true
	}
	for {
		if v.i >= len(v.d) || v.d[v.i] != '"' {
			return false
		}
		nameStart := v.i
		if !v.str() {
			return false
		}
		name := v.d[nameStart+1 : v.i-1]
		v.space()
		if v.i >= len(v.d) || v.d[v.i] != ':' {
			return false
		}
		v.i++
		v.space()
		start := v.i
		if !v.value() {
			return false
		}
		if v.top != nil && v.depth == 1 {
			*v.top = append(*v.top, Member{Name: name, Value: v.d[start:v.i]})
		}
		v.space()
		if v.i >= len(v.d) {
			return false
		}
		switch v.d[v.i] {
		case ',':
			v.i++
			v.space()
		case '}':
			v.i++
			v.depth--
			return true
		default:
			return false
		}
	}
}

func (v *validator) array() bool {
	if v.depth++; v.depth > MaxDepth {
		return false
	}
	v.i++
	v.space()
	if v.i < len(v.d) && v.d[v.i] == ']' {
		v.i++
		v.depth--
		return true
	}
	for {
		if !v.value() {
			return false
		}
		v.space()
		if v.i >= len(v.d) {
			return false
		}
		switch v.d[v.i] {
		case ',':
			v.i++
			v.space()
		case ']':
			v.i++
			v.depth--
			return true
		default:
			return false
		}
	}
}

// Object reports whether data is exactly one JSON object (white space
// around it allowed), appending its top-level members to dst.
func Object(data []byte, dst []Member) ([]Member, bool) {
	v := validator{d: data, top: &dst}
	v.space()
	if v.i >= len(data) || data[v.i] != '{' || !v.object() {
		return dst, false
	}
	v.space()
	return dst, v.i == len(data)
}

// Valid reports whether data is exactly one JSON value (white space around
// it allowed).
func Valid(data []byte) bool {
	v := validator{d: data}
	v.space()
	if !v.value() {
		return false
	}
	v.space()
	return v.i == len(data)
}
