package mapping

import (
	"strings"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

// Change is one mapped field whose value differs from the platform's.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Changes is the outcome of Diff, in field order.
type Changes []Change

// Diff compares the customer's existing profile (from GetCustomer) with a freshly mapped one, for the
// login/profile-update flow. An empty mapped value never clears data: a claim the CIAM did not send this
// time is not a request to erase it. Emails compare case-insensitively (the platform may keep the case).
func Diff(existing intouch.CustomerProfile, mapped Profile) Changes {
	var out Changes
	check := func(field, old, new string, same func(a, b string) bool) {
		if new != "" && !same(old, new) {
			out = append(out, Change{Field: field, Old: old, New: new})
		}
	}
	exact := func(a, b string) bool { return a == b }
	check(FieldFirstName, existing.FirstName, mapped.FirstName, exact)
	check(FieldLastName, existing.LastName, mapped.LastName, exact)
	check(FieldMobile, existing.Identifier(intouch.IdentifierMobile), mapped.Mobile, exact)
	check(FieldEmail, existing.Identifier(intouch.IdentifierEmail), mapped.Email, strings.EqualFold)
	return out
}

// ProfileUpdate is the `PUT /v2/customers/{id}` body for name changes (ok=false when there are none).
func (cs Changes) ProfileUpdate() (intouch.UpdateCustomerRequest, bool) {
	var u intouch.ProfileUpdate
	ok := false
	for _, c := range cs {
		switch c.Field {
		case FieldFirstName:
			u.FirstName, ok = c.New, true
		case FieldLastName:
			u.LastName, ok = c.New, true
		}
	}
	if !ok {
		return intouch.UpdateCustomerRequest{}, false
	}
	return intouch.UpdateCustomerRequest{Profiles: []intouch.ProfileUpdate{u}}, true
}

// IdentifierChange is the changeIdentifier body for mobile/email changes: add the new value and remove
// the old one when there was one (ok=false when there are none).
func (cs Changes) IdentifierChange() (intouch.ChangeIdentifierRequest, bool) {
	var req intouch.ChangeIdentifierRequest
	for _, c := range cs {
		if c.Field != FieldMobile && c.Field != FieldEmail {
			continue
		}
		req.Add = append(req.Add, intouch.Identifier{Type: c.Field, Value: c.New})
		if c.Old != "" {
			req.Remove = append(req.Remove, intouch.Identifier{Type: c.Field, Value: c.Old})
		}
	}
	return req, len(req.Add) > 0
}

// IdentifierChange is a mapped mobile or email that differs from the platform's: the CIAM holds To, the
// platform From. The gateway does not change identifiers at login: per the integration guide an identifier
// change is two steps, the CIAM first, then a separate identifier-update call by the app.
type IdentifierChange struct {
	Type string `json:"type"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Names keeps the name changes: what the login's profile update changes.
func (cs Changes) Names() Changes {
	out := Changes{}
	for _, c := range cs {
		if c.Field == FieldFirstName || c.Field == FieldLastName {
			out = append(out, c)
		}
	}
	return out
}

// Identifiers lists the mobile and email changes, in field order.
func (cs Changes) Identifiers() []IdentifierChange {
	out := []IdentifierChange{}
	for _, c := range cs {
		if c.Field == FieldMobile || c.Field == FieldEmail {
			out = append(out, IdentifierChange{Type: c.Field, From: c.Old, To: c.New})
		}
	}
	return out
}
