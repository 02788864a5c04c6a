package rp

import (
	"encoding/json"
	"net/http"
	"strings"
)

// oauthReason is the error an OAuth answer names: the body's error and error_description (RFC 6749
// §5.2), else the error of a Bearer WWW-Authenticate challenge (RFC 6750 §3), kept to one short line.
func oauthReason(res *http.Response, body []byte) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	reason := ""
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		reason = e.Error
		if e.Description != "" {
			reason += " (" + e.Description + ")"
		}
	} else if ch := res.Header.Get("WWW-Authenticate"); ch != "" {
		reason = challengeError(ch)
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if len(reason) > 200 {
		reason = reason[:200] + "…"
	}
	return reason
}

// challengeError reads error="…" (and error_description) from a Bearer challenge.
func challengeError(ch string) string {
	param := func(name string) string {
		i := strings.Index(ch, name+`="`)
		if i < 0 {
			return ""
		}
		rest := ch[i+len(name)+2:]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			return rest[:j]
		}
		return ""
	}
	e := param("error")
	if d := param("error_description"); e != "" && d != "" {
		e += " (" + d + ")"
	}
	return e
}
