package oidc

import (
	"encoding/json"
	"strconv"

	"github.com/ciamctl/ciamctl/internal/jsonscan"
)

const hexDigit = "0123456789abcdef"

// AppendLine appends what MarshalLine returns, without reflection: a batch
// writes a line per token, and encoding/json's reflection was a tenth of
// the batch's time beside the signature maths. The token's header and
// claims are compacted and HTML-escaped as encoding/json does a
// json.RawMessage. FuzzAppendLine holds the two to the same bytes.
func AppendLine(dst []byte, line int, r *Result) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendInt(dst, int64(line), 10)
	dst = append(dst, `,"valid":`...)
	dst = strconv.AppendBool(dst, r.Valid)
	dst = append(dst, `,"header":`...)
	dst = appendRaw(dst, r.Header)
	dst = append(dst, `,"claims":`...)
	dst = appendRaw(dst, r.Claims)
	dst = append(dst, `,"checks":[`...)
	for i, c := range r.Checks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = jsonscan.AppendString(dst, c.Name)
		dst = append(dst, `,"ok":`...)
		dst = strconv.AppendBool(dst, c.OK)
		dst = append(dst, `,"detail":`...)
		dst = jsonscan.AppendString(dst, c.Detail)
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	if r.Reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = jsonscan.AppendString(dst, r.Reason)
	}
	dst = append(dst, `,"error":`...)
	if r.Error == "" {
		dst = append(dst, "null"...)
	} else {
		dst = jsonscan.AppendString(dst, r.Error)
	}
	return append(dst, '}')
}

// appendRaw appends a decoded token part (a JSON object the strict checks
// accepted) as encoding/json writes a json.RawMessage: null when absent,
// else without insignificant white space, with <, >, & and U+2028/U+2029
// escaped. Anything unexpected goes through encoding/json itself.
func appendRaw(dst []byte, raw json.RawMessage) []byte {
	if raw == nil {
		return append(dst, "null"...)
	}
	start := len(dst)
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString && c == '\\':
			if i+1 >= len(raw) {
				return appendRawSlow(dst[:start], raw)
			}
			dst = append(dst, c, raw[i+1])
			i++
		case c == '"':
			inString = !inString
			dst = append(dst, c)
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
		case c == '<', c == '>', c == '&':
			dst = append(dst, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xf])
		case c == 0xe2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xa8:
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigit[raw[i+2]&0xf])
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	if inString {
		return appendRawSlow(dst[:start], raw)
	}
	return dst
}

func appendRawSlow(dst []byte, raw json.RawMessage) []byte {
	b, err := json.Marshal(raw)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}
