package intouch

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Source type names used by the gateway.
const (
	SourceOAuthExternal = "OAUTH_EXTERNAL"
	SourceInstore       = "INSTORE"
)

// Identifier types the gateway sends.
const (
	IdentifierCUID   = "cuid"
	IdentifierMobile = "mobile"
	IdentifierEmail  = "email"
)

// ChannelAccount is one source account of the org (`GET /v2/org/{orgId}/sources`).
type ChannelAccount struct {
	ID                      int64          `json:"id"`
	UUID                    string         `json:"uuid,omitempty"` // 32 hex digits, no dashes
	Name                    string         `json:"name"`
	SourceAccountIdentifier string         `json:"sourceAccountIdentifier"` // the accountId of customer calls
	SourceTypeName          string         `json:"sourceTypeName"`
	SourceTypeID            int64          `json:"sourceTypeId,omitempty"`
	ToMirror                bool           `json:"toMirror"`
	IsActive                bool           `json:"isActive"`
	Configs                 map[string]any `json:"configs,omitempty"`
	// Warnings are those of the create call (`POST /v2/org/{orgId}/sources` answers with the account itself).
	Warnings []Item `json:"warnings,omitempty"`
	// Existed is set by CreateChannelAccount when the platform answered 3220 ("already exists") and the account
	// was found by listing again: nothing was created.
	Existed bool `json:"-"`
}

// UnmarshalJSON is strict about the id (a number or a numeric string) and lenient about the rest.
func (a *ChannelAccount) UnmarshalJSON(b []byte) error {
	type plain ChannelAccount
	var raw struct {
		plain
		ID           json.RawMessage `json:"id"`
		SourceTypeID json.RawMessage `json:"sourceTypeId"`
		ToMirror     FlexBool        `json:"toMirror"`
		IsActive     FlexBool        `json:"isActive"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	id, err := parseID("source id", raw.ID, true)
	if err != nil {
		return fmt.Errorf("channel account %q: %w", raw.Name, err)
	}
	typeID, err := parseID("sourceTypeId", raw.SourceTypeID, false)
	if err != nil {
		return fmt.Errorf("channel account %q: %w", raw.Name, err)
	}
	*a = ChannelAccount(raw.plain)
	a.ID, a.SourceTypeID, a.ToMirror, a.IsActive = id, typeID, bool(raw.ToMirror), bool(raw.IsActive)
	return nil
}

// IsOAuthExternal compares the source type case-insensitively, as the platform's samples mix cases.
func (a ChannelAccount) IsOAuthExternal() bool {
	return strings.EqualFold(strings.TrimSpace(a.SourceTypeName), SourceOAuthExternal)
}

// OAuthExternalAccounts keeps the OAUTH_EXTERNAL accounts, in the platform's order.
func OAuthExternalAccounts(all []ChannelAccount) []ChannelAccount {
	var out []ChannelAccount
	for _, a := range all {
		if a.IsOAuthExternal() {
			out = append(out, a)
		}
	}
	return out
}

// FindOAuthExternal picks the OAUTH_EXTERNAL account to use: with an accountId, the account of that id and no
// other (a name that matches another account never stands in for it: customer calls are made with the id);
// else with a name, the account of that name (compared case-insensitively); else the first active one, else
// the first one.
func FindOAuthExternal(all []ChannelAccount, accountID, name string) (ChannelAccount, bool) {
	cands := OAuthExternalAccounts(all)
	if accountID != "" {
		for _, a := range cands {
			if a.SourceAccountIdentifier == accountID {
				return a, true
			}
		}
		return ChannelAccount{}, false
	}
	if name != "" {
		for _, a := range cands {
			if strings.EqualFold(a.Name, name) {
				return a, true
			}
		}
		return ChannelAccount{}, false
	}
	for _, a := range cands {
		if a.IsActive {
			return a, true
		}
	}
	if len(cands) > 0 {
		return cands[0], true
	}
	return ChannelAccount{}, false
}

// CreateSourceRequest is the body of `POST /v2/org/{orgId}/sources`. toMirror is a boolean, as INTOUCH.md has
// it and as the platform answers it (the reference's request sample shows 0).
type CreateSourceRequest struct {
	Name                    string         `json:"name"`
	SourceAccountIdentifier string         `json:"sourceAccountIdentifier"`
	SourceTypeName          string         `json:"sourceTypeName"`
	ToMirror                bool           `json:"toMirror"`
	Configs                 map[string]any `json:"configs"`
}

// Identifier is one `{"type","value"}` pair.
type Identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// CommChannel is a communication channel of a profile; the gateway does not send any (kept for reads).
// primary and verified come as booleans or as "true"/"false" strings.
type CommChannel struct {
	Type       string         `json:"type"`
	Value      string         `json:"value"`
	Primary    bool           `json:"primary,omitempty"`
	Verified   bool           `json:"verified,omitempty"`
	Subscribed bool           `json:"subscribed,omitempty"`
	Meta       map[string]any `json:"meta,omitempty"`
}

// UnmarshalJSON accepts the booleans as JSON booleans or "true"/"false" strings.
func (ch *CommChannel) UnmarshalJSON(b []byte) error {
	type plain CommChannel
	var raw struct {
		plain
		Primary    FlexBool `json:"primary"`
		Verified   FlexBool `json:"verified"`
		Subscribed FlexBool `json:"subscribed"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*ch = CommChannel(raw.plain)
	ch.Primary, ch.Verified, ch.Subscribed = bool(raw.Primary), bool(raw.Verified), bool(raw.Subscribed)
	return nil
}

// CustomerProfile is one per-source profile, as sent in `POST /v2/customers` and read back by `GET`. A
// profile read back may omit accountId (single-account sources such as INSTORE have none).
type CustomerProfile struct {
	FirstName      string        `json:"firstName,omitempty"`
	LastName       string        `json:"lastName,omitempty"`
	Source         string        `json:"source"`
	AccountID      string        `json:"accountId,omitempty"`
	Identifiers    []Identifier  `json:"identifiers"`
	CommChannels   []CommChannel `json:"commChannels,omitempty"`
	Fields         FieldValues   `json:"fields,omitempty"`
	ExtendedFields FieldValues   `json:"extendedFields,omitempty"`
}

// Identifier returns the value of the first identifier of that type ("" when absent).
func (p CustomerProfile) Identifier(typ string) string {
	for _, id := range p.Identifiers {
		if strings.EqualFold(id.Type, typ) {
			return id.Value
		}
	}
	return ""
}

// LoyaltyInfo is the add-customer loyalty block.
type LoyaltyInfo struct {
	LoyaltyType string `json:"loyaltyType"`
}

// AddCustomerRequest is the body of `POST /v2/customers`. loyaltyInfo.loyaltyType is mandatory.
type AddCustomerRequest struct {
	Profiles       []CustomerProfile `json:"profiles"`
	LoyaltyInfo    LoyaltyInfo       `json:"loyaltyInfo"`
	ExtendedFields FieldValues       `json:"extendedFields,omitempty"`
	AssociatedWith string            `json:"associatedWith,omitempty"`
}

// AddCustomerResponse is the answer: the customer id and every warning (8050 merged across sources,
// 8055/8056 invalid email/mobile left out, ...).
type AddCustomerResponse struct {
	CreatedID int64  `json:"createdId"`
	Warnings  []Item `json:"warnings"`
}

// UnmarshalJSON requires createdId: every later call is made with it.
func (r *AddCustomerResponse) UnmarshalJSON(b []byte) error {
	id, warnings, err := decodeWrite(b)
	r.CreatedID, r.Warnings = id, warnings
	return err
}

// Merged reports a merge warning (8050, or 8051 naming the user merged with): the identifiers matched a
// customer of another source, and CreatedID is that existing customer.
func (r AddCustomerResponse) Merged() bool {
	return hasCode(r.Warnings, CodeMergedAcrossSrc, CodeMergingWithUser)
}

// Customer is the full record of `GET /v2/customers/{id}`: the profiles of every source unless the call asked
// for the current one only.
type Customer struct {
	ID             int64             `json:"id"`
	Profiles       []CustomerProfile `json:"profiles"`
	LoyaltyInfo    *LoyaltyInfo      `json:"loyaltyInfo,omitempty"`
	ExtendedFields FieldValues       `json:"extendedFields,omitempty"`
	Warnings       []Item            `json:"warnings,omitempty"`
}

// UnmarshalJSON is strict about the id; unknown members are ignored.
func (c *Customer) UnmarshalJSON(b []byte) error {
	type plain Customer
	var raw struct {
		plain
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	id, err := parseID("customer id", raw.ID, true)
	if err != nil {
		return err
	}
	*c = Customer(raw.plain)
	c.ID = id
	return nil
}

// Merged reports warning 8069: the id asked for was merged into another customer, whose record this is.
func (c Customer) Merged() bool { return hasCode(c.Warnings, CodeMergedCustomer) }

// Profile returns the profile of a source account (source compared case-insensitively). A profile without
// accountId is that source's profile when no profile names the account: the platform omits accountId for
// single-account sources and in some answers, and treating such a profile as absent would make every mapped
// field look changed.
func (c Customer) Profile(source, accountID string) (CustomerProfile, bool) {
	var unnamed []CustomerProfile
	for _, p := range c.Profiles {
		if !strings.EqualFold(p.Source, source) {
			continue
		}
		if accountID == "" || p.AccountID == accountID {
			return p, true
		}
		if p.AccountID == "" {
			unnamed = append(unnamed, p)
		}
	}
	if len(unnamed) == 1 {
		return unnamed[0], true
	}
	return CustomerProfile{}, false
}

// ProfileUpdate is the profile part of `PUT /v2/customers/{id}`; identifiers change via ChangeIdentifier.
type ProfileUpdate struct {
	FirstName string      `json:"firstName,omitempty"`
	LastName  string      `json:"lastName,omitempty"`
	Fields    FieldValues `json:"fields,omitempty"`
}

// UpdateCustomerRequest is the body of `PUT /v2/customers/{id}`.
type UpdateCustomerRequest struct {
	Profiles []ProfileUpdate `json:"profiles"`
}

// ChangeIdentifierRequest is the body of `POST /v2/customers/{id}/changeIdentifier`.
type ChangeIdentifierRequest struct {
	Add    []Identifier `json:"add,omitempty"`
	Remove []Identifier `json:"remove,omitempty"`
}

// WriteResponse is the answer of update and identifier-change calls: createdId is the customer (after a merge
// by changeIdentifier, the survivor) and the warnings (8070–8074 on identifier change).
type WriteResponse struct {
	CreatedID int64  `json:"createdId"`
	Warnings  []Item `json:"warnings"`
}

// UnmarshalJSON requires createdId.
func (r *WriteResponse) UnmarshalJSON(b []byte) error {
	id, warnings, err := decodeWrite(b)
	r.CreatedID, r.Warnings = id, warnings
	return err
}

// Merged reports that the change merged this customer into another one (CreatedID is the survivor).
func (r WriteResponse) Merged() bool {
	return hasCode(r.Warnings, CodeMergedAcrossSrc, CodeMergingWithUser, CodeMergedCustomer)
}

func decodeWrite(b []byte) (int64, []Item, error) {
	var raw struct {
		CreatedID json.RawMessage `json:"createdId"`
		Warnings  []Item          `json:"warnings"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return 0, nil, err
	}
	id, err := parseID("createdId", raw.CreatedID, true)
	return id, raw.Warnings, err
}

func hasCode(items []Item, codes ...int) bool {
	for _, it := range items {
		for _, c := range codes {
			if it.Code == c {
				return true
			}
		}
	}
	return false
}
