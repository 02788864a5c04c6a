package intouch

import "strings"

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
	UUID                    string         `json:"uuid,omitempty"`
	Name                    string         `json:"name"`
	SourceAccountIdentifier string         `json:"sourceAccountIdentifier"` // the accountId of customer calls
	SourceTypeName          string         `json:"sourceTypeName"`
	IsActive                bool           `json:"isActive"`
	Configs                 map[string]any `json:"configs,omitempty"`
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

// FindOAuthExternal picks the OAUTH_EXTERNAL account to use: the one whose accountId or name matches
// (when given), else the first active one, else the first one.
func FindOAuthExternal(all []ChannelAccount, accountID, name string) (ChannelAccount, bool) {
	cands := OAuthExternalAccounts(all)
	for _, a := range cands {
		if accountID != "" && a.SourceAccountIdentifier == accountID {
			return a, true
		}
	}
	for _, a := range cands {
		if name != "" && strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	if accountID != "" || name != "" {
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

// CreateSourceRequest is the body of `POST /v2/org/{orgId}/sources`.
type CreateSourceRequest struct {
	Name                    string         `json:"name"`
	SourceAccountIdentifier string         `json:"sourceAccountIdentifier"`
	SourceTypeName          string         `json:"sourceTypeName"`
	ToMirror                int            `json:"toMirror"`
	Configs                 map[string]any `json:"configs"`
}

// Identifier is one `{"type","value"}` pair.
type Identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// CommChannel is a communication channel of a profile; the gateway does not send any (kept for reads).
type CommChannel struct {
	Type     string         `json:"type"`
	Value    string         `json:"value"`
	Primary  bool           `json:"primary,omitempty"`
	Verified bool           `json:"verified,omitempty"`
	Meta     map[string]any `json:"meta,omitempty"`
}

// CustomerProfile is one per-source profile, as sent in `POST /v2/customers` and read back by `GET`.
type CustomerProfile struct {
	FirstName    string            `json:"firstName,omitempty"`
	LastName     string            `json:"lastName,omitempty"`
	Source       string            `json:"source"`
	AccountID    string            `json:"accountId"`
	Identifiers  []Identifier      `json:"identifiers"`
	CommChannels []CommChannel     `json:"commChannels,omitempty"`
	Fields       map[string]string `json:"fields,omitempty"`
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

// AddCustomerRequest is the body of `POST /v2/customers`.
type AddCustomerRequest struct {
	Profiles    []CustomerProfile `json:"profiles"`
	LoyaltyInfo *LoyaltyInfo      `json:"loyaltyInfo,omitempty"`
}

// AddCustomerResponse is the answer: the customer id and warnings such as 8050 (merged across sources).
type AddCustomerResponse struct {
	CreatedID int64  `json:"createdId"`
	Warnings  []Item `json:"warnings"`
}

// Merged reports warning 8050: the identifiers matched a customer of another source, which was reused.
func (r AddCustomerResponse) Merged() bool {
	for _, w := range r.Warnings {
		if w.Code == CodeMergedAcrossSrc {
			return true
		}
	}
	return false
}

// Customer is the full record of `GET /v2/customers/{id}`.
type Customer struct {
	ID          int64             `json:"id"`
	Profiles    []CustomerProfile `json:"profiles"`
	LoyaltyInfo *LoyaltyInfo      `json:"loyaltyInfo,omitempty"`
	Warnings    []Item            `json:"warnings,omitempty"`
}

// Profile returns the profile of a source account (source compared case-insensitively).
func (c Customer) Profile(source, accountID string) (CustomerProfile, bool) {
	for _, p := range c.Profiles {
		if strings.EqualFold(p.Source, source) && (accountID == "" || p.AccountID == accountID) {
			return p, true
		}
	}
	return CustomerProfile{}, false
}

// ProfileUpdate is the profile part of `PUT /v2/customers/{id}`; identifiers change via ChangeIdentifier.
type ProfileUpdate struct {
	FirstName string            `json:"firstName,omitempty"`
	LastName  string            `json:"lastName,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
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

// WriteResponse is the answer of update and identifier-change calls.
type WriteResponse struct {
	CreatedID int64  `json:"createdId"`
	Warnings  []Item `json:"warnings"`
}
