package mapping

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

// Platform fields the gateway fills from the CIAM, in output order.
const (
	FieldFirstName = "firstname"
	FieldLastName  = "lastname"
	FieldMobile    = "mobile"
	FieldEmail     = "email"
)

// Fields lists the mappable platform fields; nothing else comes from the CIAM.
var Fields = []string{FieldFirstName, FieldLastName, FieldMobile, FieldEmail}

// SubClaim is where the customer's cuid always comes from; it is not configurable.
const SubClaim = "sub"

// Severity of a problem: an error means the gateway cannot create the customer.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem codes, stable for scripts.
const (
	CodeMissingClaim   = "missing_claim"
	CodeNotString      = "not_a_string"
	CodeEmptyValue     = "empty_value"
	CodeInvalidEmail   = "invalid_email"
	CodeInvalidMobile  = "invalid_mobile"
	CodeInvalidRef     = "invalid_claim_reference"
	CodeUnknownField   = "unknown_field"
	CodeNotMapped      = "not_mapped"
	CodeMissingSub     = "missing_sub"
	CodeNoContactIdent = "no_contact_identifier"
	CodeNoAccountID    = "no_account_id"
)

// Problem is one thing to fix, in the brand config or in the CIAM's claims.
type Problem struct {
	Field    string   `json:"field"`
	Claim    string   `json:"claim"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
}

// Profile is the customer the gateway would create (the contract's `profile` shape).
type Profile struct {
	FirstName   string               `json:"firstname"`
	LastName    string               `json:"lastname"`
	Mobile      string               `json:"mobile"`
	Email       string               `json:"email"`
	Source      string               `json:"source"`
	AccountID   string               `json:"accountId"`
	Identifiers []intouch.Identifier `json:"identifiers"`
}

// CUID returns the cuid identifier ("" when the token had no usable sub).
func (p Profile) CUID() string {
	for _, id := range p.Identifiers {
		if id.Type == intouch.IdentifierCUID {
			return id.Value
		}
	}
	return ""
}

// Result is the dry run's answer. Request is the exact add-customer body, or null when OK is false
// (no request would be sent).
type Result struct {
	OK       bool            `json:"ok"`
	Profile  Profile         `json:"profile"`
	Request  json.RawMessage `json:"request"`
	Problems []Problem       `json:"problems"`
	Notes    []string        `json:"notes"`
}

// Input is what the dry run needs.
type Input struct {
	Claims    map[string]any    // decode with DecodeClaims (numbers stay json.Number)
	Mappings  map[string]string // platform field → claim name or JSON Pointer
	AccountID string            // the org's OAUTH_EXTERNAL sourceAccountIdentifier
}

// Notes are the gateway's known limits, printed with every dry run.
var Notes = []string{
	"Only firstname, lastname, mobile and email come from the CIAM; any other customer data needs a separate customer registration call with source INSTORE.",
	"OAuth scopes are not supported by the gateway: it neither requests nor checks them, so the mapped claims must be in the ID token.",
}

// RunJSON decodes raw claims and runs the dry run.
func RunJSON(raw []byte, mappings map[string]string, accountID string) (Result, error) {
	claims, err := DecodeClaims(raw)
	if err != nil {
		return Result{}, err
	}
	return Run(Input{Claims: claims, Mappings: mappings, AccountID: accountID}), nil
}

// Run maps the claims. OK is false exactly when a problem has severity error, which happens when the
// customer cannot be created: no usable `sub` (the cuid), or neither a usable mobile nor email (the
// profile would have no contact identifier to merge or reach the customer by). A field whose claim is
// missing or unusable is a warning: the gateway leaves the field out and still creates the customer.
func Run(in Input) Result {
	r := Result{
		Profile:  Profile{Source: intouch.SourceOAuthExternal, AccountID: in.AccountID, Identifiers: []intouch.Identifier{}},
		Problems: []Problem{},
		Notes:    append([]string(nil), Notes...),
	}
	claims := in.Claims
	if claims == nil {
		claims = map[string]any{}
	}

	sub := mapSub(claims, &r)
	values := map[string]string{}
	for _, field := range Fields {
		ref, ok := in.Mappings[field]
		if !ok || strings.TrimSpace(ref) == "" {
			r.add(field, "", SeverityWarning, CodeNotMapped, fmt.Sprintf("%s is not mapped: add `%s: <claim>` under mappings to fill it", field, field))
			continue
		}
		if v, ok := mapField(claims, field, ref, &r); ok {
			values[field] = v
		}
	}
	for _, field := range unknownFields(in.Mappings) {
		r.add(field, in.Mappings[field], SeverityWarning, CodeUnknownField,
			fmt.Sprintf("%q is not a field the gateway maps (only %s); remove it, or send it through a separate INSTORE registration call", field, strings.Join(Fields, ", ")))
	}

	p := &r.Profile
	p.FirstName, p.LastName, p.Mobile, p.Email = values[FieldFirstName], values[FieldLastName], values[FieldMobile], values[FieldEmail]
	nc := intouch.NewCustomer{CUID: sub, FirstName: p.FirstName, LastName: p.LastName, Mobile: p.Mobile, Email: p.Email, AccountID: in.AccountID}
	p.Identifiers = nc.Identifiers()

	if p.Mobile == "" && p.Email == "" {
		r.add("identifiers", "", SeverityError, CodeNoContactIdent,
			"the profile has neither a usable mobile nor email: map at least one of them to a claim the CIAM sends in the ID token")
	}
	if in.AccountID == "" {
		r.add("accountId", "", SeverityWarning, CodeNoAccountID,
			"no OAUTH_EXTERNAL accountId yet: run `ciamctl channel link` so the request carries it (the platform rejects it otherwise, code 8045)")
	}

	r.OK = true
	for _, pr := range r.Problems {
		if pr.Severity == SeverityError {
			r.OK = false
		}
	}
	if r.OK {
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

func (r *Result) add(field, claim string, sev Severity, code, msg string) {
	r.Problems = append(r.Problems, Problem{Field: field, Claim: claim, Severity: sev, Code: code, Message: msg})
}

func mapSub(claims map[string]any, r *Result) string {
	v, ok := claims[SubClaim]
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
func mapField(claims map[string]any, field, ref string, r *Result) (string, bool) {
	v, found, err := Extract(claims, ref)
	if err != nil {
		r.add(field, ref, SeverityWarning, CodeInvalidRef, fmt.Sprintf("mapping for %s: %v", field, err))
		return "", false
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

func unknownFields(m map[string]string) []string {
	var out []string
	for k := range m {
		known := false
		for _, f := range Fields {
			known = known || k == f
		}
		if !known {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func kind(v any) string {
	switch v.(type) {
	case json.Number, float64, int, int64:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", v)
}
