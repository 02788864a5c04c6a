package mapping

import (
	"encoding/json"
	"fmt"
	"sort"

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
	claims := in.Claims
	if claims == nil {
		claims = map[string]any{}
	}
	r := NewMapper(in.Mappings, in.AccountID).apply(mapSource(claims), true)
	r.Notes = append([]string(nil), Notes...)
	return r
}

func (r *Result) add(field, claim string, sev Severity, code, msg string) {
	r.Problems = append(r.Problems, Problem{Field: field, Claim: claim, Severity: sev, Code: code, Message: msg})
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
