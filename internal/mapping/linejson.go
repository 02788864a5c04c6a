package mapping

import (
	"strconv"

	"github.com/ciamctl/ciamctl/internal/jsonscan"
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
	dst = jsonscan.AppendString(dst, p.FirstName)
	dst = append(dst, `,"lastname":`...)
	dst = jsonscan.AppendString(dst, p.LastName)
	dst = append(dst, `,"mobile":`...)
	dst = jsonscan.AppendString(dst, p.Mobile)
	dst = append(dst, `,"email":`...)
	dst = jsonscan.AppendString(dst, p.Email)
	dst = append(dst, `,"source":`...)
	dst = jsonscan.AppendString(dst, p.Source)
	dst = append(dst, `,"accountId":`...)
	dst = jsonscan.AppendString(dst, p.AccountID)
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
			dst = jsonscan.AppendString(dst, id.Type)
			dst = append(dst, `,"value":`...)
			dst = jsonscan.AppendString(dst, id.Value)
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
			dst = jsonscan.AppendString(dst, pr.Field)
			dst = append(dst, `,"claim":`...)
			dst = jsonscan.AppendString(dst, pr.Claim)
			dst = append(dst, `,"severity":`...)
			dst = jsonscan.AppendString(dst, string(pr.Severity))
			dst = append(dst, `,"code":`...)
			dst = jsonscan.AppendString(dst, pr.Code)
			dst = append(dst, `,"message":`...)
			dst = jsonscan.AppendString(dst, pr.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}
