package intouch

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinels the CLI maps to exit codes (internal/cli/exitcode.go): ErrUnavailable → 3 (remote failure),
// ErrAuth → 3 with a credentials hint, ErrConfig → usage/config problem, ErrRejected → 1 (the platform refused
// what was sent: a mandatory field, a source type the org cannot create).
var (
	ErrAuth        = errors.New("intouch: authentication failed")
	ErrUnavailable = errors.New("intouch: API unavailable")
	ErrConfig      = errors.New("intouch: configuration")
	ErrRejected    = errors.New("intouch: rejected by the platform")
)

// Documented body codes the client reacts to (INTOUCH.md; the customer and org-source status-code pages).
const (
	CodeNoIdentifiers     = 8002 // no identifiers passed
	CodeInvalidSource     = 8003 // invalid source passed
	CodeDuplicateInSource = 8006 // identifier already present in the same source
	CodeInvalidIdentifier = 8013 // invalid identifier (or identifierName)
	CodeNotFound          = 8015 // customer not found for the given identifiers (lookup: not an error)
	CodeAccountIDMissing  = 8045 // accountId not passed
	CodeNotFoundInSource  = 8065 // no customer found in the given source (lookup: not an error)
	CodeMergedAcrossSrc   = 8050 // warning: same customer found in other sources, combining
	CodeMergingWithUser   = 8051 // warning: same customer found in other sources, merging with userId {0}
	CodeInvalidEmail      = 8055 // warning on add: invalid email, left out
	CodeInvalidMobile     = 8056 // warning on add: invalid mobile, left out
	CodeMergedCustomer    = 8069 // warning: merged customer found (the answer is the survivor)
	CodeNoValidChange     = 8070 // warning (changeIdentifier): no valid change identifiers detected
	CodeMobileAttached    = 8071 // warning (changeIdentifier): mobile already attached with this user
	CodeEmailAttached     = 8072 // warning (changeIdentifier): email already attached with this user
	CodeExternalAttached  = 8073 // warning (changeIdentifier): external id already attached with this user
	CodeChangeAmbiguous   = 8074 // warning (changeIdentifier): identifier found in multiple sources and userIds
	CodeSourceNotFound    = 3213 // unable to find org source
	CodeSourceTypeInvalid = 3218 // invalid source type: this org cannot create it through the API
	CodeSourceExists      = 3220 // org source already exists with the given values
	CodeRateLimited       = 517  // unverified (an earlier brief); harmless to keep
	CodeSearchBusy        = 461
)

// Item is one entry of `errors[]` or `warnings[]`.
type Item struct {
	Status  bool   `json:"status"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// UnmarshalJSON tolerates code and status sent as strings ("8015", "false"), which platform samples do, but
// a code that is not a whole number is an error: the client decides on codes.
func (it *Item) UnmarshalJSON(b []byte) error {
	var raw struct {
		Status  FlexBool        `json:"status"`
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	it.Message, it.Status = raw.Message, bool(raw.Status)
	c := strings.TrimSpace(string(raw.Code))
	if c != "" && c != "null" {
		if c[0] == '"' {
			var s string
			if err := json.Unmarshal(raw.Code, &s); err != nil {
				return fmt.Errorf("error item code %s: %w", raw.Code, err)
			}
			c = strings.TrimSpace(s)
		}
		n, err := strconv.Atoi(c)
		if err != nil {
			return fmt.Errorf("error item code %s is not a number", raw.Code)
		}
		it.Code = n
	}
	return nil
}

// String is "code: message", for listing warnings to a user.
func (it Item) String() string {
	if it.Code == 0 {
		return oneLine(it.Message)
	}
	return fmt.Sprintf("%d: %s", it.Code, oneLine(it.Message))
}

// envelope is the part every platform response may carry.
type envelope struct {
	Errors   []Item `json:"errors"`
	Warnings []Item `json:"warnings"`
}

// APIError is a failed platform call: an HTTP status and/or the first `errors[]` item.
type APIError struct {
	Status    int
	Code      int
	Message   string
	RequestID string

	Method, Path string // the call, for context (Path is the endpoint's template)
	URL          string // the URL called, without its query (which may carry personal data)
	Items        []Item // all errors[] items
	Hint         string // what to do about it, when known
	Attempts     int    // how many times the call was sent
	// Inferred is set when the call (or this use of it) is inferred from the integration guide rather than
	// documented by the API reference: a failure may mean the inference is wrong.
	Inferred string
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("intouch")
	if e.Method != "" {
		where := e.URL
		if where == "" {
			where = e.Path
		}
		fmt.Fprintf(&b, ": %s %s", e.Method, where)
	}
	fmt.Fprintf(&b, ": HTTP %d", e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, ": code %d", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Inferred != "" {
		fmt.Fprintf(&b, " [inferred call: %s]", e.Inferred)
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap lets errors.Is match ErrAuth (401, 403 other than the org's registration rules), ErrRejected (403
// "Mandatory field is missing") and ErrUnavailable (5xx, rate limits that outlived retries).
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == 403 && e.MandatoryField() != "":
		return ErrRejected
	case e.Status == 401 || e.Status == 403:
		return ErrAuth
	case e.Status >= 500 || e.Status == 429 || e.Status == 461 || e.Code == CodeRateLimited || e.Code == CodeSearchBusy:
		return ErrUnavailable
	}
	return nil
}

// HasCode reports whether the platform returned this body code among its errors.
func (e *APIError) HasCode(code int) bool {
	if e.Code == code {
		return true
	}
	for _, it := range e.Items {
		if it.Code == code {
			return true
		}
	}
	return false
}

// IsCode reports whether err is an *APIError carrying the body code.
func IsCode(err error, code int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HasCode(code)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// TransportError is a call that got no HTTP answer: the connection was refused, reset or timed out, the
// name did not resolve, TLS failed. It wraps ErrUnavailable and the underlying error.
type TransportError struct {
	Method, URL string // URL without its query
	Cause       string // a short cause, e.g. "connection refused"
	Attempts    int
	// MayHaveApplied is set when a non-idempotent request reached the server: it may have acted on it.
	MayHaveApplied bool
	Err            error
}

func (e *TransportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s: %s", ErrUnavailable, e.Method, e.URL, e.Cause)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.MayHaveApplied {
		b.WriteString(" (the request reached the server and may have been applied: check its effect, e.g. with a lookup, before repeating it)")
	}
	return b.String()
}

func (e *TransportError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// shownURL is u without its query: lookups carry identifiers (e-mail, mobile) there.
func shownURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// MandatoryField returns the field named by the platform's "Mandatory field is missing. Field {x} is
// mandatory" (the org's registration settings), or "" when the error is something else.
func (e *APIError) MandatoryField() string {
	msgs := []string{e.Message}
	for _, it := range e.Items {
		msgs = append(msgs, it.Message)
	}
	for _, m := range msgs {
		if f := mandatoryFieldIn(m); f != "" {
			return f
		}
	}
	return ""
}

func mandatoryFieldIn(msg string) string {
	lower := strings.ToLower(msg)
	if !strings.Contains(lower, "mandatory field is missing") {
		return ""
	}
	i := strings.Index(lower, "field ")
	// The first "field " is in "Mandatory field is missing"; the name follows the second one.
	if j := strings.Index(lower[i+len("field "):], "field "); j >= 0 {
		i += len("field ") + j
	} else {
		return "(unnamed)"
	}
	rest := msg[i+len("field "):]
	if k := strings.Index(strings.ToLower(rest), " is mandatory"); k >= 0 {
		rest = rest[:k]
	}
	rest = strings.Trim(strings.TrimSpace(rest), `"'{}.`)
	if rest == "" {
		return "(unnamed)"
	}
	return rest
}

// MandatoryFieldError is HTTP 403 "Mandatory field is missing. Field {x} is mandatory": the org's
// registration settings require a field the request did not carry. It is not an authentication failure.
type MandatoryFieldError struct {
	Field string
	Err   *APIError
}

func (e *MandatoryFieldError) Error() string {
	return fmt.Sprintf("the org's registration settings make field %q mandatory and the request did not carry it: %s", e.Field, e.Err.Error())
}

// mandatoryFieldHint says where the rule lives (the add-customer reference page names the setting).
func mandatoryFieldHint(field string) string {
	const setting = "Organization Settings › Miscellaneous › Registration Configuration"
	switch strings.ToLower(field) {
	case "firstname", "lastname", IdentifierMobile, IdentifierEmail:
		return fmt.Sprintf("map a claim the CIAM sends to %s in the brand's mappings, or have the org's admin make it optional in %s", field, setting)
	}
	return fmt.Sprintf("the gateway sends only names, mobile and email (other data goes through a separate INSTORE registration): have the org's admin make %q optional in %s", field, setting)
}

func (e *MandatoryFieldError) Unwrap() []error { return []error{ErrRejected, e.Err} }

// SourceTypeUIPath is where the integration guide creates an OAUTH_EXTERNAL account by hand.
const SourceTypeUIPath = "Organisation Settings › Omni Channel Settings › Channel Configurations › OAUTH_EXTERNAL › Add Account"

// SourceTypeError is code 3218 "invalid source type" on creating a channel account: this org cannot create
// that source type through the API. The way forward is the UI, then linking the account by its identifier.
type SourceTypeError struct {
	SourceType string
	Err        *APIError
}

func (e *SourceTypeError) Error() string {
	return fmt.Sprintf("this org cannot create %s channel accounts through the API: %s", e.SourceType, e.Err.Error())
}

func sourceTypeHint(sourceType string) string {
	return fmt.Sprintf("create the %s account in the platform UI (%s), then link it with its account ID (`ciamctl channel link --account-id ID`)", sourceType, SourceTypeUIPath)
}

func (e *SourceTypeError) Unwrap() []error { return []error{ErrRejected, e.Err} }

// stoppedError is a failed call whose retry was not made: the platform's answer and why there was no retry (a
// wait past the deadline, a cancelled wait). Its text is built when read, so what the client adds to the
// answer afterwards (an inferred call, a hint) shows.
type stoppedError struct {
	API *APIError
	Err error
}

func (e *stoppedError) Error() string   { return e.API.Error() + "; " + e.Err.Error() }
func (e *stoppedError) Unwrap() []error { return []error{e.API, e.Err} }
