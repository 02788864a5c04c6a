package intouch

// NewCustomer holds the values the gateway derives from an ID token.
type NewCustomer struct {
	CUID      string // the ID token's sub
	FirstName string
	LastName  string
	Mobile    string // digits with country code, already normalised
	Email     string // lower-cased, already checked
	AccountID string // the org's OAUTH_EXTERNAL sourceAccountIdentifier
}

// Identifiers lists cuid, mobile, email in that order, skipping empty ones.
func (n NewCustomer) Identifiers() []Identifier {
	ids := []Identifier{}
	for _, id := range []Identifier{{IdentifierCUID, n.CUID}, {IdentifierMobile, n.Mobile}, {IdentifierEmail, n.Email}} {
		if id.Value != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// BuildAddCustomer returns the exact `POST /v2/customers` body the gateway sends, so a dry run can print
// what AddCustomer would send byte for byte (encode it with encoding/json).
func BuildAddCustomer(n NewCustomer) AddCustomerRequest {
	return AddCustomerRequest{
		Profiles: []CustomerProfile{{
			FirstName:   n.FirstName,
			LastName:    n.LastName,
			Source:      SourceOAuthExternal,
			AccountID:   n.AccountID,
			Identifiers: n.Identifiers(),
		}},
		LoyaltyInfo: LoyaltyInfo{LoyaltyType: LoyaltyTypeLoyalty},
	}
}
