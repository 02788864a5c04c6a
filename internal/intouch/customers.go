package intouch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// LoyaltyTypeLoyalty enrols the customer in the loyalty program (the other documented value is non_loyalty).
const LoyaltyTypeLoyalty = "loyalty"

// sourceQuery is the mandatory source (and, for multi-account sources, accountId) of every customer call.
func sourceQuery(source, accountID string) (url.Values, error) {
	if strings.TrimSpace(source) == "" {
		return nil, fmt.Errorf("%w: customer calls need a source (e.g. %s)", ErrConfig, SourceOAuthExternal)
	}
	return CustomerQuery(source, accountID), nil
}

// CustomerQuery is the source and accountId query every customer call carries (accountId left out when
// empty), for showing a call as it would be sent.
func CustomerQuery(source, accountID string) url.Values {
	q := url.Values{"source": {source}}
	if accountID != "" {
		q.Set("accountId", accountID)
	}
	return q
}

func idParams(id int64) map[string]string { return map[string]string{"id": strconv.FormatInt(id, 10)} }

// AddCustomerQuery is the query AddCustomer sends: the profile's source and accountId, which the platform
// requires as query parameters (the body may repeat them). Exported so a dry run prints the exact URL.
func AddCustomerQuery(req AddCustomerRequest) (url.Values, error) {
	if len(req.Profiles) == 0 {
		return nil, fmt.Errorf("%w: an add-customer request needs a profile", ErrConfig)
	}
	return sourceQuery(req.Profiles[0].Source, req.Profiles[0].AccountID)
}

// AddCustomer creates a customer (never updates one): `POST /v2/customers?source=…&accountId=…`. Every warning
// is in the response: 8050 when the identifiers joined a customer of another source (CreatedID is then that
// customer), 8055/8056 when an invalid email or mobile was left out.
func (c *Client) AddCustomer(ctx context.Context, req AddCustomerRequest) (AddCustomerResponse, error) {
	var res AddCustomerResponse
	q, err := AddCustomerQuery(req)
	if err != nil {
		return res, err
	}
	if req.LoyaltyInfo.LoyaltyType == "" {
		return res, fmt.Errorf("%w: loyaltyInfo.loyaltyType is mandatory (%q or \"non_loyalty\")", ErrConfig, LoyaltyTypeLoyalty)
	}
	if _, err := c.do(ctx, EPAddCustomer, "", nil, q, req, &res); err != nil {
		return res, fmt.Errorf("adding customer under %s: %w", sourceName(q), err)
	}
	return res, nil
}

// LookupResult is the answer of a lookup.
type LookupResult struct {
	ID    int64
	Found bool
	// Merged is warning 8069: the identifier led to a customer merged into another; ID is the survivor.
	Merged bool
	// NotFoundCode is the code a not-found answer carried: 8015 (not found) or 8065 (not in this source).
	NotFoundCode int
	Warnings     []Item
}

type lookupResponse struct {
	Entity   json.RawMessage `json:"entity"`
	Warnings []Item          `json:"warnings"`
}

// Lookup finds a customer id by identifier in a source account. Not found (8015, or 8065 "no customer found
// in the given source") is Found=false with no error; a merged customer (8069) is Found with the survivor's
// id and Merged set. An answer without a usable id is an error.
func (c *Client) Lookup(ctx context.Context, source, accountID, identifierName, value string) (LookupResult, error) {
	q, err := sourceQuery(source, accountID)
	if err != nil {
		return LookupResult{}, err
	}
	q.Set("identifierName", identifierName)
	q.Set("identifierValue", value)
	inferred := ""
	if strings.EqualFold(identifierName, IdentifierCUID) {
		inferred = inferredCUIDLookup
	}
	var res lookupResponse
	meta, err := c.do(ctx, EPLookupCustomer, inferred, nil, q, nil, &res)
	where := fmt.Sprintf("looking up customer by %s under %s", identifierName, sourceName(q))
	if err != nil {
		var ae *APIError
		switch {
		case IsCode(err, CodeNotFound):
			return LookupResult{NotFoundCode: CodeNotFound, Warnings: meta.Warnings}, nil
		case IsCode(err, CodeNotFoundInSource):
			return LookupResult{NotFoundCode: CodeNotFoundInSource, Warnings: meta.Warnings}, nil
		case errors.As(err, &ae) && ae.HasCode(CodeMergedCustomer):
			// The reference lists 8069 among warnings (answered with the survivor's id); as an error the
			// answer names no survivor to follow, and creating a customer would duplicate it.
			return LookupResult{}, fmt.Errorf("%s: the customer was merged into another one whose id the answer does not give (find it in Member Care): %w", where, err)
		}
		return LookupResult{}, fmt.Errorf("%s: %w", where, err)
	}
	id, err := parseID("entity", res.Entity, true)
	if err != nil {
		return LookupResult{}, fmt.Errorf("%s: %w: %w", where, ErrUnavailable, err)
	}
	warnings := res.Warnings
	if warnings == nil {
		warnings = meta.Warnings
	}
	return LookupResult{ID: id, Found: true, Merged: hasCode(warnings, CodeMergedCustomer), Warnings: warnings}, nil
}

// LookupCustomer is Lookup reduced to (id, found): a merged customer is found as its survivor.
func (c *Client) LookupCustomer(ctx context.Context, source, accountID, identifierName, value string) (int64, bool, error) {
	r, err := c.Lookup(ctx, source, accountID, identifierName, value)
	return r.ID, r.Found, err
}

// GetCustomer reads the customer record (`GET /v2/customers/{id}?source=…&accountId=…`): the profiles of every
// source. When the id was merged away (warning 8069) the record, and its ID, are the survivor's.
func (c *Client) GetCustomer(ctx context.Context, id int64, source, accountID string) (Customer, error) {
	var res Customer
	q, err := sourceQuery(source, accountID)
	if err != nil {
		return res, err
	}
	if _, err := c.do(ctx, EPGetCustomer, "", idParams(id), q, nil, &res); err != nil {
		return Customer{}, fmt.Errorf("reading customer %d: %w", id, err)
	}
	return res, nil
}

// UpdateCustomer changes profile fields (not identifiers) of a customer's profile in a source account.
func (c *Client) UpdateCustomer(ctx context.Context, id int64, source, accountID string, req UpdateCustomerRequest) (WriteResponse, error) {
	var res WriteResponse
	q, err := sourceQuery(source, accountID)
	if err != nil {
		return res, err
	}
	if _, err := c.do(ctx, EPUpdateCustomer, "", idParams(id), q, req, &res); err != nil {
		return res, fmt.Errorf("updating customer %d: %w", id, err)
	}
	return res, nil
}

// ChangeIdentifier adds and removes identifiers (mobile, email) of a customer in a source account. Adding an
// identifier another customer holds merges the two: CreatedID is then the survivor. Warnings 8070–8074 say
// what was not changed.
func (c *Client) ChangeIdentifier(ctx context.Context, id int64, source, accountID string, req ChangeIdentifierRequest) (WriteResponse, error) {
	var res WriteResponse
	q, err := sourceQuery(source, accountID)
	if err != nil {
		return res, err
	}
	if _, err := c.do(ctx, EPChangeIdentifier, "", idParams(id), q, req, &res); err != nil {
		return res, fmt.Errorf("changing identifiers of customer %d: %w", id, err)
	}
	return res, nil
}

func sourceName(q url.Values) string {
	if acc := q.Get("accountId"); acc != "" {
		return q.Get("source") + "/" + acc
	}
	return q.Get("source")
}
