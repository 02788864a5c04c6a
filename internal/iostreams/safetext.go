package iostreams

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// SafeText is the one function every text printer passes untrusted data
// through (token headers and claims, check details, brand file values, JWKS
// fields, platform answers, error messages) before it reaches a terminal.
// Characters a terminal would act on rather than show are replaced by a
// visible escape, so a forged value can neither overwrite a verdict nor
// start a new line, as gh, kubectl and git do:
//
//   - C0 controls and DEL: \a \b \t \n \v \f \r by name, the rest as \x1b;
//   - C1 controls U+0080–U+009F (U+009B is a one-character CSI) as \u009b;
//   - bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//     the invisible marks U+200E, U+200F and U+061C, and the line and
//     paragraph separators U+2028 and U+2029, as \u202e: the characters
//     GitHub's "hidden or bidirectional Unicode" warning flags;
//   - each byte of invalid UTF-8 as \xff (a terminal in 8-bit mode reads a
//     lone 0x9b as CSI).
//
// Backslashes are left alone: the output is for people, not a quoted
// string to parse back. Colour our own output after escaping the value
// (cs.Bold(iostreams.SafeText(v))), never before. Text without such
// characters comes back unchanged, without allocating.
func SafeText(s string) string { return escape(s, false) }

// SafeLines is SafeText for multi-line text: newlines and tabs are kept,
// everything else SafeText escapes is escaped.
func SafeLines(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	i := firstUnsafe(s, keepLines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f || keepLines && (c == '\n' || c == '\t') {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			writeByteEscape(&b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByteEscape(&b, c)
		case unsafeRune(r):
			writeRuneEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte escape would change, or -1.
func firstUnsafe(s string, keepLines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || keepLines && (c == '\n' || c == '\t') {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports the non-ASCII runes a terminal acts on or that reorder
// or hide text.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

const hexDigits = "0123456789abcdef"

func writeByteEscape(b *strings.Builder, c byte) {
	switch c {
	case '\a':
		b.WriteString(`\a`)
	case '\b':
		b.WriteString(`\b`)
	case '\t':
		b.WriteString(`\t`)
	case '\n':
		b.WriteString(`\n`)
	case '\v':
		b.WriteString(`\v`)
	case '\f':
		b.WriteString(`\f`)
	case '\r':
		b.WriteString(`\r`)
	default:
		b.WriteString(`\x`)
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
}

func writeRuneEscape(b *strings.Builder, r rune) {
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}

// SafeJSON rewrites the characters SafeText escapes that encoding/json and
// the YAML encoder leave raw in strings — DEL, C1 controls, the bidi and
// invisible marks above — as \u escapes. In JSON text these bytes can only
// occur inside strings, where \u0085 and a raw U+0085 mean the same, so the
// document decodes to the same values. b is returned as is, without
// allocating, when there is nothing to rewrite.
func SafeJSON(b []byte) []byte {
	i := firstUnsafeJSON(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				out = append(out, `\u007f`...)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			out = append(out, '\\', 'u', hexDigits[(r>>12)&0xf], hexDigits[(r>>8)&0xf], hexDigits[(r>>4)&0xf], hexDigits[r&0xf])
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func firstUnsafeJSON(b []byte) int {
	// Batch output is mostly ASCII below DEL: skip it eight bytes at a
	// time. Adding 1 to each byte sets its top bit exactly when the byte is
	// 0x7f or above (a carry only leaves a byte that is 0xff itself).
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if (w|(w+0x0101010101010101))&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}
