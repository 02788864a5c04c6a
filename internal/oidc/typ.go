package oidc

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Details of the type check that cost nothing per token.
const (
	typAbsent = "no typ (an ID token need not have one)"
	typJWT    = "typ is JWT"
)

// checkType enforces explicit typing (RFC 8725 §3.11): a JWT whose "typ"
// names another kind of token — an OAuth access token (at+jwt, RFC 9068),
// a logout token (logout+jwt, OIDC Back-Channel Logout 1.0 §2.4), a security
// event (secevent+jwt, RFC 8417) — must not be taken for an ID token even
// when its issuer, audience and signature fit. No typ and "JWT" stay
// accepted (OIDC Core does not require typ); the value is a media type, so
// it compares case-insensitively and may carry the "application/" prefix
// (RFC 7515 §4.1.9).
func (t *jwsToken) checkType(cl *checklist) {
	raw, ok := t.header.get("typ")
	if !ok {
		cl.pass(CheckType, typAbsent)
		return
	}
	// The common case compares the raw bytes: no string is made per token.
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		if isJWTMediaType(raw[1 : len(raw)-1]) {
			cl.pass(CheckType, typJWT)
			return
		}
	}
	typ, isStr := jsonString(raw)
	switch {
	case !isStr:
		cl.fail(CheckType, ReasonMalformed, `header "typ" is not a string`)
	case isJWTMediaType([]byte(typ)):
		cl.pass(CheckType, typJWT)
	default:
		cl.fail(CheckType, ReasonWrongType, typeProblem(typ))
	}
}

var applicationPrefix = []byte("application/")

// isJWTMediaType reports whether typ is "JWT" or "application/jwt", in any
// letter case.
func isJWTMediaType(typ []byte) bool {
	if len(typ) > len(applicationPrefix) && bytes.EqualFold(typ[:len(applicationPrefix)], applicationPrefix) {
		typ = typ[len(applicationPrefix):]
	}
	return bytes.EqualFold(typ, []byte("JWT"))
}

// typeProblem says what kind of token typ declares.
func typeProblem(typ string) string {
	name := strings.ToLower(typ)
	name = strings.TrimPrefix(name, "application/")
	quoted := strconv.Quote(truncate(typ, 40))
	switch name {
	case "at+jwt":
		return fmt.Sprintf("typ %s is an OAuth access token (RFC 9068), not an ID token", quoted)
	case "logout+jwt":
		return fmt.Sprintf("typ %s is a logout token (OpenID Connect Back-Channel Logout), not an ID token", quoted)
	case "secevent+jwt":
		return fmt.Sprintf("typ %s is a security event token (RFC 8417), not an ID token", quoted)
	}
	return fmt.Sprintf("typ %s is not an ID token's (JWT, or none)", quoted)
}
