package oidc

import "encoding/json"

// Reasons a token is invalid: a fixed set, for scripts and the batch summary.
const (
	ReasonMalformed        = "malformed"
	ReasonWrongType        = "wrong_type"
	ReasonAlgNotAllowed    = "alg_not_allowed"
	ReasonUnknownKid       = "unknown_kid"
	ReasonNoMatchingKey    = "no_matching_key" // no kid or x5t picks a key; not evidence of tampering
	ReasonBadSignature     = "bad_signature"
	ReasonIssuerMismatch   = "issuer_mismatch"
	ReasonAudienceMismatch = "audience_mismatch"
	ReasonExpired          = "expired"
	ReasonNotYetValid      = "not_yet_valid"
	ReasonIssuedInFuture   = "issued_in_future"
	ReasonMissingClaim     = "missing_claim"
	ReasonJWKSUnavailable  = "jwks_unavailable"
)

// Reasons lists every reason, in the order checks report them.
var Reasons = []string{
	ReasonMalformed, ReasonWrongType, ReasonAlgNotAllowed, ReasonJWKSUnavailable, ReasonUnknownKid, ReasonNoMatchingKey, ReasonBadSignature,
	ReasonIssuerMismatch, ReasonAudienceMismatch, ReasonExpired, ReasonNotYetValid, ReasonIssuedInFuture,
	ReasonMissingClaim, ReasonNonceMismatch, ReasonAtHashMismatch, ReasonCHashMismatch,
}

// Check names.
const (
	CheckFormat    = "format"
	CheckCrit      = "crit"
	CheckType      = "type"
	CheckAlgorithm = "algorithm"
	CheckKid       = "kid"
	CheckSignature = "signature"
	CheckIssuer    = "issuer"
	CheckAudience  = "audience"
	CheckExpiry    = "expiry"
	CheckNotBefore = "not_before"
	CheckIssuedAt  = "issued_at"
	CheckSubject   = "subject"

	checkCount = 12
)

// Check is one step of the verification, as shown to users.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Result is the outcome of verifying one token. Header and Claims are the
// token's own decoded JSON (nil when it could not be decoded). Reason is the
// first failed check's reason and Error its detail; both are empty when Valid.
// Subject is the "sub" claim exactly as the subject check read it (the
// member named "sub", case-sensitively), set whenever that check passed:
// printers show it rather than decode the claims again, so what is shown is
// what was checked.
type Result struct {
	Valid   bool            `json:"valid"`
	Header  json.RawMessage `json:"header"`
	Claims  json.RawMessage `json:"claims"`
	Checks  []Check         `json:"checks"`
	Reason  string          `json:"reason,omitempty"`
	Error   string          `json:"error"`
	Subject string          `json:"-"`
}

// MarshalJSON renders the contract shape: header/claims as objects or null,
// and error as a string or null.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(r.wire(nil))
}

// MarshalLine renders a batch line: the Result object with "line" first.
func MarshalLine(line int, r Result) ([]byte, error) {
	return json.Marshal(r.wire(&line))
}

type wireResult struct {
	Line   *int            `json:"line,omitempty"`
	Valid  bool            `json:"valid"`
	Header json.RawMessage `json:"header"`
	Claims json.RawMessage `json:"claims"`
	Checks []Check         `json:"checks"`
	Reason string          `json:"reason,omitempty"`
	Error  *string         `json:"error"`
}

func (r Result) wire(line *int) wireResult {
	w := wireResult{Line: line, Valid: r.Valid, Header: r.Header, Claims: r.Claims, Checks: r.Checks, Reason: r.Reason}
	if w.Checks == nil {
		w.Checks = []Check{}
	}
	if r.Error != "" {
		w.Error = &r.Error
	}
	return w
}

// checklist builds Checks while remembering each failure's reason, so the
// Result's Reason is the first failure in check order.
type checklist struct {
	checks  []Check
	reasons []string
	subject string // the sub the subject check accepted
}

// newChecklist has room for every check, so a verification grows no slice.
func newChecklist() checklist {
	return checklist{checks: make([]Check, 0, checkCount), reasons: make([]string, 0, checkCount)}
}

func (c *checklist) pass(name, detail string) {
	c.checks = append(c.checks, Check{Name: name, OK: true, Detail: detail})
	c.reasons = append(c.reasons, "")
}

func (c *checklist) fail(name, reason, detail string) {
	c.checks = append(c.checks, Check{Name: name, OK: false, Detail: detail})
	c.reasons = append(c.reasons, reason)
}

func (c *checklist) result(header, claims json.RawMessage) Result {
	r := Result{Valid: true, Header: header, Claims: claims, Checks: c.checks, Subject: c.subject}
	first := -1
	for i, ch := range c.checks {
		if ch.OK {
			continue
		}
		r.Valid = false
		// Skipped checks fail without a reason of their own.
		if first < 0 || (c.reasons[first] == "" && c.reasons[i] != "") {
			first = i
		}
	}
	if first >= 0 {
		r.Reason = c.reasons[first]
		r.Error = c.checks[first].Name + ": " + c.checks[first].Detail
	}
	return r
}
