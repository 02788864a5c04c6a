package oidc

import (
	"encoding/json"
	"strings"
)

// Decode splits a compact JWS and returns its header and claims as they are,
// without checking anything else: no signature, no claims, no policy. It
// applies the same parsing rules as Verify (size limit, three base64url
// segments, strict JSON objects), so its errors are the ones Verify reports
// as malformed, and they never quote the token.
func Decode(token string) (header, claims json.RawMessage, err error) {
	t, err := parseCompact(strings.TrimSpace(token), true)
	if err != nil {
		return nil, nil, err
	}
	return json.RawMessage(t.headerJSON), json.RawMessage(t.payload), nil
}
