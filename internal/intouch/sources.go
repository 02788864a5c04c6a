package intouch

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

type listSourcesResponse struct {
	Data     []ChannelAccount `json:"data"`
	Warnings []Item           `json:"warnings"`
}

func (c *Client) orgParams() (map[string]string, error) {
	if strings.TrimSpace(c.cfg.OrgID) == "" {
		return nil, fmt.Errorf("%w: no org ID: set %s", ErrConfig, EnvOrgID)
	}
	return map[string]string{"orgId": c.cfg.OrgID}, nil
}

// ListChannelAccounts returns all source accounts of the org; filter with OAuthExternalAccounts.
func (c *Client) ListChannelAccounts(ctx context.Context) ([]ChannelAccount, error) {
	params, err := c.orgParams()
	if err != nil {
		return nil, err
	}
	var res listSourcesResponse
	if _, err := c.do(ctx, EPListSources, "", params, nil, nil, &res); err != nil {
		return nil, fmt.Errorf("listing channel accounts of org %s: %w", c.cfg.OrgID, err)
	}
	return res.Data, nil
}

// GetChannelAccount reads one source account by its uuid (`GET /v2/org/{orgId}/sources/{uuid}`). An unknown
// uuid (3213 "unable to find org source") is found=false with no error.
func (c *Client) GetChannelAccount(ctx context.Context, uuid string) (ChannelAccount, bool, error) {
	params, err := c.orgParams()
	if err != nil {
		return ChannelAccount{}, false, err
	}
	if strings.TrimSpace(uuid) == "" {
		return ChannelAccount{}, false, fmt.Errorf("%w: a channel account uuid is needed", ErrConfig)
	}
	params["uuid"] = uuid
	var res ChannelAccount
	if _, err := c.do(ctx, EPGetSource, "", params, nil, nil, &res); err != nil {
		if IsCode(err, CodeSourceNotFound) {
			return ChannelAccount{}, false, nil
		}
		return ChannelAccount{}, false, fmt.Errorf("reading channel account %s of org %s: %w", uuid, c.cfg.OrgID, err)
	}
	return res, true, nil
}

// CreateSourceBody is the exact body CreateChannelAccount sends, for dry runs.
func CreateSourceBody(name, sourceAccountIdentifier string) CreateSourceRequest {
	return CreateSourceRequest{
		Name:                    name,
		SourceAccountIdentifier: sourceAccountIdentifier,
		SourceTypeName:          SourceOAuthExternal,
		ToMirror:                false,
		Configs:                 map[string]any{},
	}
}

// CreateChannelAccount creates an OAUTH_EXTERNAL source account. It is not idempotent and never repeated once
// it may have reached the server. 3220 ("org source already exists") lists the accounts again and returns the
// existing one; 3218 ("invalid source type": this org cannot create OAUTH_EXTERNAL through the API) is a
// *SourceTypeError whose hint is the UI path.
func (c *Client) CreateChannelAccount(ctx context.Context, name, sourceAccountIdentifier string) (ChannelAccount, error) {
	params, err := c.orgParams()
	if err != nil {
		return ChannelAccount{}, err
	}
	if name == "" || sourceAccountIdentifier == "" {
		return ChannelAccount{}, fmt.Errorf("%w: a channel account needs a name and a source account identifier", ErrConfig)
	}
	var res ChannelAccount
	_, err = c.do(ctx, EPCreateSource, "", params, nil, CreateSourceBody(name, sourceAccountIdentifier), &res)
	var ae *APIError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &ae) && ae.HasCode(CodeSourceExists):
		return c.existingAccount(ctx, name, sourceAccountIdentifier, err)
	case errors.As(err, &ae) && ae.HasCode(CodeSourceTypeInvalid):
		ae.Hint = sourceTypeHint(SourceOAuthExternal)
		err = &SourceTypeError{SourceType: SourceOAuthExternal, Err: ae}
	}
	return ChannelAccount{}, fmt.Errorf("creating channel account %q in org %s: %w", name, c.cfg.OrgID, err)
}

// SourceExistsError is a 3220 ("org source already exists") for an account whose name another OAUTH_EXTERNAL
// account of the org already has, under another account ID.
type SourceExistsError struct {
	Name, AccountID string         // what was asked for
	Existing        ChannelAccount // the account holding the name
	Err             *APIError
}

func (e *SourceExistsError) Error() string {
	return fmt.Sprintf("cannot create channel account %q with account ID %q: the org's OAUTH_EXTERNAL account %q already has that name, with account ID %q: %v",
		e.Name, e.AccountID, e.Existing.Name, e.Existing.SourceAccountIdentifier, e.Err)
}

func (e *SourceExistsError) Unwrap() []error { return []error{ErrRejected, e.Err} }

// existingAccount answers a 3220: the account exists, so list again and use it.
func (c *Client) existingAccount(ctx context.Context, name, sourceAccountIdentifier string, createErr error) (ChannelAccount, error) {
	all, err := c.ListChannelAccounts(ctx)
	if err != nil {
		return ChannelAccount{}, fmt.Errorf("channel account %q already exists (code %d) but listing it again failed: %w", name, CodeSourceExists, err)
	}
	if acc, ok := FindOAuthExternal(all, sourceAccountIdentifier, ""); ok {
		acc.Existed = true
		return acc, nil
	}
	if acc, ok := FindOAuthExternal(all, "", name); ok {
		// The name is taken by an account of another id: using it would silently change the accountId every
		// customer call is made with.
		var ae *APIError
		errors.As(createErr, &ae)
		return ChannelAccount{}, &SourceExistsError{Name: name, AccountID: sourceAccountIdentifier, Existing: acc, Err: ae}
	}
	return ChannelAccount{}, fmt.Errorf("creating channel account %q in org %s: the platform says it exists, but no OAUTH_EXTERNAL account named %q or with account ID %q is listed: %w",
		name, c.cfg.OrgID, name, sourceAccountIdentifier, createErr)
}
