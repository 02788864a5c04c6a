package mapping

import (
	"strconv"
	"unicode/utf8"
)

// AppendLineJSON appends one batch result, {"line", "ok", "profile",
// "problems"}, exactly as encoding/json marshals it (the same escaping,
// HTML characters included), without reflection: a batch writes millions
// of them. TestAppendLineJSON and FuzzAppendLineJSON hold it to
// encoding/json's bytes.
func AppendLineJSON(dst []byte, line int, r *Result) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendInt(dst, int64(line), 10)
	dst = append(dst, `,"ok":`...)
	dst = strconv.AppendBool(dst, r.OK)
	p := &r.Profile
	dst = append(dst, `,"profile":{"firstname":`...)
	dst = appendString(dst, p.FirstName)
	dst = append(dst, `,"lastname":`...)
	dst = appendString(dst, p.LastName)
	dst = append(dst, `,"mobile":`...)
	dst = appendString(dst, p.Mobile)
	dst = append(dst, `,"email":`...)
	dst = appendString(dst, p.Email)
	dst = append(dst, `,"source":`...)
	dst = appendString(dst, p.Source)
	dst = append(dst, `,"accountId":`...)
	dst = appendString(dst, p.AccountID)
	dst = append(dst, `,"identifiers":`...)
	if p.Identifiers == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, id := range p.Identifiers {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"type":`...)
			dst = appendString(dst, id.Type)
			dst = append(dst, `,"value":`...)
			dst = appendString(dst, id.Value)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `},"problems":`...)
	if r.Problems == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, pr := range r.Problems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"field":`...)
			dst = appendString(dst, pr.Field)
			dst = append(dst, `,"claim":`...)
			dst = appendString(dst, pr.Claim)
			dst = append(dst, `,"severity":`...)
			dst = appendString(dst, string(pr.Severity))
			dst = append(dst, `,"code":`...)
			dst = appendString(dst, pr.Code)
			dst = append(dst, `,"message":`...)
			dst = appendString(dst, pr.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's string encoding with HTML escaping.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
