package mapping

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/jsonscan"
)

// Mapper applies one brand's mappings to many claim sets (a batch of
// profiles): what depends only on the mappings (which fields are mapped,
// the parsed JSON Pointers, the unknown fields) is worked out once. Run is
// a Mapper used once; both give the same problems in the same order.
type Mapper struct {
	accountID string
	fields    [len(fieldOrder)]fieldRef
	unknown   []Problem
}

// fieldOrder is Fields as an array, for fixed-size per-field state.
var fieldOrder = [...]string{FieldFirstName, FieldLastName, FieldMobile, FieldEmail}

// fieldRef is one platform field's mapping, parsed.
type fieldRef struct {
	field, ref string
	mapped     bool
	tokens     []string // a JSON Pointer's reference tokens; nil for a claim name
	refErr     error    // a malformed JSON Pointer
}

// claimSource is where a Mapper reads claims: a decoded map, or a raw
// JSON line scanned only as far as the mappings reach. Values are those of
// DecodeClaims: string, json.Number, bool, nil, map[string]any or []any
// (the last two only for their type).
type claimSource interface {
	member(name string) (any, bool)
	pointer(tokens []string) (any, bool)
}

// NewMapper prepares mappings (platform field → claim name or JSON Pointer)
// for an org's OAUTH_EXTERNAL account (accountID, possibly empty).
func NewMapper(mappings map[string]string, accountID string) *Mapper {
	m := &Mapper{accountID: accountID}
	for i, field := range fieldOrder {
		ref, ok := mappings[field]
		fr := fieldRef{field: field, ref: ref, mapped: ok && strings.TrimSpace(ref) != ""}
		if fr.mapped && IsPointer(ref) {
			fr.tokens, fr.refErr = parsePointer(ref)
		}
		m.fields[i] = fr
	}
	for _, field := range unknownFields(mappings) {
		m.unknown = append(m.unknown, Problem{Field: field, Claim: mappings[field], Severity: SeverityWarning, Code: CodeUnknownField,
			Message: fmt.Sprintf("%q is not a field the gateway maps (only %s); remove it, or send it through a separate INSTORE registration call", field, strings.Join(Fields, ", "))})
	}
	return m
}

// MapLine maps one claims object given as JSON (a line of a profile
// export): the result Run gives for the decoded claims, without the
// request body and notes, which a batch does not print. A line that is not
// a JSON object is an error of the result (code invalid_claims).
func (m *Mapper) MapLine(raw []byte) Result {
	return m.LineMapper().MapLine(raw)
}

// LineMapper is a Mapper with scratch space for mapping lines one after
// another: one per goroutine.
type LineMapper struct {
	m   *Mapper
	src rawSource
}

// LineMapper returns a new LineMapper for m's mappings.
func (m *Mapper) LineMapper() *LineMapper {
	return &LineMapper{m: m, src: rawSource{top: make([]jsonscan.Member, 0, 16)}}
}

// MapLine is Mapper.MapLine, reusing lm's scratch space.
func (lm *LineMapper) MapLine(raw []byte) Result {
	m := lm.m
	if len(raw) == 0 { // a token that could not be decoded: no claims at all
		return m.apply(mapSource{}, false)
	}
	if lm.src.scan(raw) {
		return m.apply(&lm.src, false)
	}
	claims, err := DecodeClaims(raw)
	if err != nil {
		r := m.apply(mapSource{}, false)
		r.Problems = append([]Problem{{Field: "claims", Severity: SeverityError, Code: CodeInvalidClaims, Message: err.Error()}}, r.Problems...)
		r.OK = false
		return r
	}
	return m.apply(mapSource(claims), false)
}

// CodeInvalidClaims marks claims that are not a JSON object.
const CodeInvalidClaims = "invalid_claims"

// CodeInvalidToken marks a result whose ID token failed verification.
const CodeInvalidToken = "invalid_token"

// RejectToken marks a result whose token failed verification (detail says
// why): the gateway stops there, so no request is made whatever the claims
// would map to. Without claims (a token that could not even be decoded)
// the mapping's own problems would only echo that, so they are dropped.
func RejectToken(r *Result, detail string, hasClaims bool) {
	if !hasClaims {
		r.Problems = nil
	}
	r.Problems = append([]Problem{{
		Field: "token", Severity: SeverityError, Code: CodeInvalidToken,
		Message: "the ID token is not valid (" + detail + "); the gateway rejects it before mapping (--no-verify maps it anyway)",
	}}, r.Problems...)
	r.OK, r.Request = false, json.RawMessage("null")
}

// apply is Run's body over any claim source; withRequest builds the
// add-customer body when the customer can be created.
func (m *Mapper) apply(src claimSource, withRequest bool) Result {
	r := Result{
		Profile:  Profile{Source: intouch.SourceOAuthExternal, AccountID: m.accountID},
		Problems: []Problem{},
	}
	sub := mapSub(src, &r)
	var values [len(fieldOrder)]string
	for i := range m.fields {
		fr := &m.fields[i]
		if !fr.mapped {
			r.add(fr.field, "", SeverityWarning, CodeNotMapped, fmt.Sprintf("%s is not mapped: add `%s: <claim>` under mappings to fill it", fr.field, fr.field))
			continue
		}
		if v, ok := mapField(src, fr, &r); ok {
			values[i] = v
		}
	}
	r.Problems = append(r.Problems, m.unknown...)

	p := &r.Profile
	p.FirstName, p.LastName, p.Mobile, p.Email = values[0], values[1], values[2], values[3]
	nc := intouch.NewCustomer{CUID: sub, FirstName: p.FirstName, LastName: p.LastName, Mobile: p.Mobile, Email: p.Email, AccountID: m.accountID}
	p.Identifiers = nc.Identifiers()

	if p.Mobile == "" && p.Email == "" {
		r.add("identifiers", "", SeverityError, CodeNoContactIdent,
			"the profile has neither a usable mobile nor email: map at least one of them to a claim the CIAM sends in the ID token")
	}
	if m.accountID == "" {
		r.add("accountId", "", SeverityWarning, CodeNoAccountID,
			"no OAUTH_EXTERNAL accountId yet: run `ciamctl channel link` so the request carries it (the platform rejects it otherwise, code 8045)")
	}

	r.OK = true
	for _, pr := range r.Problems {
		if pr.Severity == SeverityError {
			r.OK = false
		}
	}
	if r.OK && withRequest {
		body, err := json.Marshal(intouch.BuildAddCustomer(nc))
		if err == nil {
			r.Request = body
		}
	}
	if r.Request == nil {
		r.Request = json.RawMessage("null")
	}
	return r
}

func mapSub(src claimSource, r *Result) string {
	v, ok := src.member(SubClaim)
	s, isString := v.(string)
	switch {
	case !ok || v == nil:
		r.add("cuid", SubClaim, SeverityError, CodeMissingSub, "the token has no `sub` claim: the customer's cuid is the ID token's sub, so the CIAM must send it")
	case !isString:
		r.add("cuid", SubClaim, SeverityError, CodeMissingSub, fmt.Sprintf("`sub` is %s, not a string: the cuid must be the CIAM's user id as a string", kind(v)))
	case strings.TrimSpace(s) == "":
		r.add("cuid", SubClaim, SeverityError, CodeMissingSub, "`sub` is empty: the cuid must be the CIAM's user id")
	default:
		return strings.TrimSpace(s)
	}
	return ""
}

// mapField extracts and normalises one field, recording a warning when it cannot be used.
func mapField(src claimSource, fr *fieldRef, r *Result) (string, bool) {
	field, ref := fr.field, fr.ref
	if fr.refErr != nil {
		r.add(field, ref, SeverityWarning, CodeInvalidRef, fmt.Sprintf("mapping for %s: %v", field, fr.refErr))
		return "", false
	}
	var v any
	var found bool
	if fr.tokens != nil {
		v, found = src.pointer(fr.tokens)
	} else {
		v, found = src.member(ref)
	}
	if !found || v == nil {
		how := fmt.Sprintf("claim %q", ref)
		if IsPointer(ref) {
			how = fmt.Sprintf("JSON Pointer %q", ref)
		} else if strings.Contains(ref, ".") && !strings.Contains(ref, "://") {
			how += " (a name taken literally; to reach a nested claim use a JSON Pointer such as \"/" + strings.ReplaceAll(escapeToken(ref), ".", "/") + "\")"
		}
		state := "is absent from the token"
		if found {
			state = "is null"
		}
		r.add(field, ref, SeverityWarning, CodeMissingClaim, fmt.Sprintf("%s %s: %s stays empty; make the CIAM send it in the ID token or fix the mapping", how, state, field))
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		r.add(field, ref, SeverityWarning, CodeNotString, fmt.Sprintf("claim %q is %s, not a string: point the mapping at a string claim (for an object, a JSON Pointer to a member)", ref, kind(v)))
		return "", false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		r.add(field, ref, SeverityWarning, CodeEmptyValue, fmt.Sprintf("claim %q is empty: %s stays empty", ref, field))
		return "", false
	}
	switch field {
	case FieldEmail:
		e, err := NormalizeEmail(s)
		if err != nil {
			r.add(field, ref, SeverityWarning, CodeInvalidEmail, fmt.Sprintf("email %v; it is left out of the request (the platform would drop it too, with warning 8055)", err))
			return "", false
		}
		return e, true
	case FieldMobile:
		m, err := NormalizeMobile(s)
		if err != nil {
			r.add(field, ref, SeverityWarning, CodeInvalidMobile, fmt.Sprintf("mobile %v; it is left out of the request (the platform would drop it too, with warning 8056)", err))
			return "", false
		}
		return m, true
	}
	return s, true
}

// mapSource is decoded claims.
type mapSource map[string]any

func (c mapSource) member(name string) (any, bool) {
	v, ok := c[name]
	return v, ok
}

func (c mapSource) pointer(tokens []string) (any, bool) {
	return walk(map[string]any(c), tokens)
}
