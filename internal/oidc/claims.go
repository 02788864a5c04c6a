package oidc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/ciamctl/ciamctl/internal/durfmt"
)

// NumericDate bounds: years 0001–9999, which also keeps conversions exact.
const (
	minNumericDate = -62135596800
	maxNumericDate = 253402300799
)

// checkClaims adds the issuer, audience, expiry, not_before, issued_at and
// subject checks. The payload is already known to be a strict JSON object.
func (v *Verifier) checkClaims(payload []byte, cl *checklist) {
	var buf [24]member
	claims, err := objectMembers(payload, buf[:0])
	if err != nil {
		cl.fail(CheckIssuer, ReasonMalformed, "claims: "+err.Error())
		return
	}
	now := v.now()
	v.checkIssuer(claims, cl)
	v.checkAudience(claims, cl)
	v.checkTimes(claims, now, cl)
	checkSubject(claims, cl)
}

func (v *Verifier) checkIssuer(claims members, cl *checklist) {
	raw, ok := claims.get("iss")
	iss, isStr := jsonString(raw)
	switch {
	case ok && !isStr:
		cl.fail(CheckIssuer, ReasonMalformed, "iss is not a string")
	case v.issuer == "" && ok:
		cl.notRequired(CheckIssuer, "iss "+strconv.Quote(truncate(iss, 200))+" (not checked: no expected issuer)")
	case v.issuer == "":
		cl.notRequired(CheckIssuer, "not checked: no expected issuer")
	case !ok:
		cl.fail(CheckIssuer, ReasonMissingClaim, "iss claim is missing")
	case iss != v.issuer:
		cl.fail(CheckIssuer, ReasonIssuerMismatch, fmt.Sprintf("iss is %q, expected %q", truncate(iss, 200), v.issuer))
	default:
		cl.pass(CheckIssuer, "iss is "+strconv.Quote(iss))
	}
}

func (v *Verifier) checkAudience(claims members, cl *checklist) {
	raw, ok := claims.get("aud")
	var auds []string
	empty := "" // why aud names no audience at all
	switch {
	case !ok:
		empty = "aud claim is missing"
	case string(raw) == "null":
		cl.fail(CheckAudience, ReasonMalformed, "aud is null; it must be a string or an array of strings")
		return
	case raw[0] == '"':
		a, _ := jsonString(raw)
		if a == "" {
			empty = "aud is an empty string"
		}
		auds = []string{a}
	case raw[0] == '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			cl.fail(CheckAudience, ReasonMalformed, "aud: "+err.Error())
			return
		}
		if len(elems) == 0 {
			empty = "aud is an empty array"
		}
		for i, e := range elems {
			s, isStr := jsonString(e)
			switch {
			case !isStr:
				cl.fail(CheckAudience, ReasonMalformed, fmt.Sprintf("aud member %d is %s, not a string", i+1, jsonKind(e)))
				return
			case s == "":
				cl.fail(CheckAudience, ReasonMalformed, fmt.Sprintf("aud member %d is an empty string", i+1))
				return
			}
			auds = append(auds, s)
		}
	default:
		cl.fail(CheckAudience, ReasonMalformed, fmt.Sprintf("aud is %s; it must be a string or an array of strings", jsonKind(raw)))
		return
	}
	if v.audience == "" {
		cl.notRequired(CheckAudience, "not checked: no expected audience")
		return
	}
	if empty != "" {
		cl.fail(CheckAudience, ReasonMissingClaim, empty)
		return
	}
	found := false
	for _, a := range auds {
		found = found || a == v.audience
	}
	if !found {
		cl.fail(CheckAudience, ReasonAudienceMismatch, fmt.Sprintf("aud %s does not contain %q", quoteList(auds, 5), v.audience))
		return
	}
	// With several audiences, azp names the party the token was issued to
	// (OIDC Core §3.1.3.7); it must be us.
	if azpRaw, has := claims.get("azp"); has && len(auds) > 1 {
		azp, isStr := jsonString(azpRaw)
		if !isStr {
			cl.fail(CheckAudience, ReasonMalformed, "azp is not a string")
			return
		}
		if azp != v.audience {
			cl.fail(CheckAudience, ReasonAudienceMismatch, fmt.Sprintf("aud has several audiences and azp is %q, not %q", truncate(azp, 200), v.audience))
			return
		}
		cl.pass(CheckAudience, "aud contains "+strconv.Quote(v.audience)+" and azp matches")
		return
	}
	cl.pass(CheckAudience, "aud contains "+strconv.Quote(v.audience))
}

func (v *Verifier) checkTimes(claims members, now time.Time, cl *checklist) {
	leeway := v.leeway
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }

	switch exp, present, err := numericDate(claims, "exp"); {
	case err != nil:
		cl.fail(CheckExpiry, ReasonMalformed, err.Error())
	case !present:
		cl.fail(CheckExpiry, ReasonMissingClaim, "exp claim is missing")
	case !now.Before(exp.Add(leeway)):
		cl.fail(CheckExpiry, ReasonExpired, fmt.Sprintf("expired at %s (%s ago, leeway %s)", stamp(exp), durfmt.Short(now.Sub(exp)), leeway))
	default:
		cl.pass(CheckExpiry, "expires at "+stamp(exp))
	}

	switch nbf, present, err := numericDate(claims, "nbf"); {
	case err != nil:
		cl.fail(CheckNotBefore, ReasonMalformed, err.Error())
	case !present:
		cl.pass(CheckNotBefore, "no nbf claim")
	case now.Add(leeway).Before(nbf):
		cl.fail(CheckNotBefore, ReasonNotYetValid, fmt.Sprintf("not valid before %s (in %s, leeway %s)", stamp(nbf), durfmt.Short(nbf.Sub(now)), leeway))
	default:
		cl.pass(CheckNotBefore, "valid since "+stamp(nbf))
	}

	switch iat, present, err := numericDate(claims, "iat"); {
	case err != nil:
		cl.fail(CheckIssuedAt, ReasonMalformed, err.Error())
	case !present:
		// OpenID Connect Core 3.1.3.7 makes iat REQUIRED in ID tokens
		// (certification case rp-id_token-iat).
		cl.fail(CheckIssuedAt, ReasonMissingClaim, "iat claim is missing (required in ID tokens)")
	case iat.After(now.Add(leeway)):
		cl.fail(CheckIssuedAt, ReasonIssuedInFuture, fmt.Sprintf("issued at %s, %s in the future (leeway %s)", stamp(iat), durfmt.Short(iat.Sub(now)), leeway))
	default:
		cl.pass(CheckIssuedAt, "issued at "+stamp(iat))
	}
}

func checkSubject(claims members, cl *checklist) {
	raw, ok := claims.get("sub")
	sub, isStr := jsonString(raw)
	switch {
	case !ok:
		cl.fail(CheckSubject, ReasonMissingClaim, "sub claim is missing")
	case !isStr:
		cl.fail(CheckSubject, ReasonMalformed, "sub is not a string")
	case sub == "":
		cl.fail(CheckSubject, ReasonMissingClaim, "sub is empty")
	default:
		if problem := subjectProblem(sub); problem != "" {
			cl.fail(CheckSubject, ReasonMalformed, problem)
			return
		}
		cl.subject = sub
		cl.pass(CheckSubject, "sub is "+strconv.Quote(truncate(sub, 200)))
	}
}

// MaxSubjectLength is OpenID Connect Core §2's limit on sub: "It MUST NOT
// exceed 255 ASCII characters in length."
const MaxSubjectLength = 255

// subjectProblem says why a non-empty sub is not one OpenID Connect Core §2
// allows, or "" when it is fine. sub is compared exactly (it is the
// customer's cuid), so anything that a reader, a log or a later trim would
// not show as it is gets refused: surrounding spaces (two subjects that map
// to one customer once trimmed), control characters, and characters beyond
// ASCII. One pass over the bytes, no allocation unless it fails.
func subjectProblem(sub string) string {
	if len(sub) > MaxSubjectLength {
		return fmt.Sprintf("sub is %d bytes long; OpenID Connect Core allows at most %d ASCII characters", len(sub), MaxSubjectLength)
	}
	for i := 0; i < len(sub); i++ {
		switch c := sub[i]; {
		case c < 0x20 || c == 0x7f:
			return fmt.Sprintf("sub has a control character (%q at byte %d); a subject is printable ASCII", c, i)
		case c >= 0x80:
			return fmt.Sprintf("sub has a non-ASCII character at byte %d; OpenID Connect Core allows only ASCII in sub", i)
		}
	}
	if sub[0] == ' ' || sub[len(sub)-1] == ' ' {
		return "sub " + strconv.Quote(truncate(sub, 200)) + " has leading or trailing spaces; a subject is compared exactly and must not be padded"
	}
	return ""
}

// numericDate reads a NumericDate (RFC 7519 §2): seconds since the epoch,
// possibly with a fraction.
func numericDate(claims members, name string) (time.Time, bool, error) {
	raw, ok := claims.get(name)
	if !ok {
		return time.Time{}, false, nil
	}
	if !isJSONNumber(raw) {
		return time.Time{}, true, fmt.Errorf("%s is not a number", name)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || f < minNumericDate || f > maxNumericDate {
		return time.Time{}, true, fmt.Errorf("%s is not a valid date", name)
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)), true, nil
}

func quoteList(items []string, n int) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, s := range items {
		if i == n {
			fmt.Fprintf(&b, ", …%d more", len(items)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", truncate(s, 100))
	}
	b.WriteByte(']')
	return b.String()
}

// jsonKind names the JSON type of a raw value, for messages.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
