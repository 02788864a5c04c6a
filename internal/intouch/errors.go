package intouch

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinels the CLI maps to exit codes: ErrUnavailable → 3 (remote failure), ErrAuth → a clear hint,
// ErrConfig → usage/config problem.
var (
	ErrAuth        = errors.New("intouch: authentication failed")
	ErrUnavailable = errors.New("intouch: API unavailable")
	ErrConfig      = errors.New("intouch: configuration")
)

// Documented body codes the client reacts to.
const (
	CodeNotFound          = 8015 // customer not found (lookup: not an error)
	CodeDuplicateInSource = 8006 // identifier already present in the same source
	CodeMergedAcrossSrc   = 8050 // warning: merged into a customer of another source
	CodeAccountIDMissing  = 8045
	CodeInvalidEmail      = 8055
	CodeInvalidMobile     = 8056
	CodeRateLimited       = 517
	CodeSearchBusy        = 461
)

// Item is one entry of `errors[]` or `warnings[]`.
type Item struct {
	Status  bool   `json:"status"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// UnmarshalJSON tolerates codes sent as strings ("8015"), which some platform samples do.
func (it *Item) UnmarshalJSON(b []byte) error {
	var raw struct {
		Status  any             `json:"status"`
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	it.Message = raw.Message
	if s, ok := raw.Status.(bool); ok {
		it.Status = s
	}
	c := strings.Trim(strings.TrimSpace(string(raw.Code)), `"`)
	if c != "" && c != "null" {
		n, err := strconv.Atoi(c)
		if err != nil {
			return fmt.Errorf("error item code %s is not a number", raw.Code)
		}
		it.Code = n
	}
	return nil
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
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap lets errors.Is match ErrAuth (401/403) and ErrUnavailable (5xx, rate limits that outlived retries).
func (e *APIError) Unwrap() error {
	switch {
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
