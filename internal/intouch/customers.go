package intouch

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

func sourceQuery(source, accountID string) url.Values {
	q := url.Values{"source": {source}}
	if accountID != "" {
		q.Set("accountId", accountID)
	}
	return q
}

func idParams(id int64) map[string]string { return map[string]string{"id": strconv.FormatInt(id, 10)} }

// AddCustomer creates a customer (never updates one). Warnings (e.g. 8050 merge) are in the response.
func (c *Client) AddCustomer(ctx context.Context, req AddCustomerRequest) (AddCustomerResponse, error) {
	var res AddCustomerResponse
	meta, err := c.call(ctx, EPAddCustomer, nil, nil, req, &res)
	if err != nil {
		return res, fmt.Errorf("adding customer: %w", err)
	}
	if len(res.Warnings) == 0 {
		res.Warnings = meta.Warnings
	}
	return res, nil
}

type lookupResponse struct {
	Entity int64 `json:"entity"`
}

// LookupCustomer finds a customer id by identifier in a source account. Not found (8015) is found=false, nil.
func (c *Client) LookupCustomer(ctx context.Context, source, accountID, identifierName, value string) (int64, bool, error) {
	q := sourceQuery(source, accountID)
	q.Set("identifierName", identifierName)
	q.Set("identifierValue", value)
	var res lookupResponse
	if _, err := c.call(ctx, EPLookupCustomer, nil, q, nil, &res); err != nil {
		if IsCode(err, CodeNotFound) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("looking up customer by %s under %s/%s: %w", identifierName, source, accountID, err)
	}
	if res.Entity == 0 {
		return 0, false, nil
	}
	return res.Entity, true, nil
}

// GetCustomer reads the customer record as seen from a source account.
func (c *Client) GetCustomer(ctx context.Context, id int64, source, accountID string) (Customer, error) {
	var res Customer
	if _, err := c.call(ctx, EPGetCustomer, idParams(id), sourceQuery(source, accountID), nil, &res); err != nil {
		return res, fmt.Errorf("reading customer %d: %w", id, err)
	}
	if res.ID == 0 {
		res.ID = id
	}
	return res, nil
}

// UpdateCustomer changes profile fields (not identifiers) of a customer's profile in a source account.
func (c *Client) UpdateCustomer(ctx context.Context, id int64, source, accountID string, req UpdateCustomerRequest) (WriteResponse, error) {
	var res WriteResponse
	if _, err := c.call(ctx, EPUpdateCustomer, idParams(id), sourceQuery(source, accountID), req, &res); err != nil {
		return res, fmt.Errorf("updating customer %d: %w", id, err)
	}
	return res, nil
}

// ChangeIdentifier adds and removes identifiers (mobile, email) of a customer in a source account.
func (c *Client) ChangeIdentifier(ctx context.Context, id int64, source, accountID string, req ChangeIdentifierRequest) (WriteResponse, error) {
	var res WriteResponse
	if _, err := c.call(ctx, EPChangeIdentifier, idParams(id), sourceQuery(source, accountID), req, &res); err != nil {
		return res, fmt.Errorf("changing identifiers of customer %d: %w", id, err)
	}
	return res, nil
}
