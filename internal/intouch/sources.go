package intouch

import (
	"context"
	"fmt"
	"strings"
)

type listSourcesResponse struct {
	Data []ChannelAccount `json:"data"`
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
	if _, err := c.call(ctx, EPListSources, params, nil, nil, &res); err != nil {
		return nil, fmt.Errorf("listing channel accounts of org %s: %w", c.cfg.OrgID, err)
	}
	return res.Data, nil
}

// CreateSourceBody is the exact body CreateChannelAccount sends, for dry runs.
func CreateSourceBody(name, sourceAccountIdentifier string) CreateSourceRequest {
	return CreateSourceRequest{
		Name:                    name,
		SourceAccountIdentifier: sourceAccountIdentifier,
		SourceTypeName:          SourceOAuthExternal,
		ToMirror:                0,
		Configs:                 map[string]any{},
	}
}

// CreateChannelAccount creates an OAUTH_EXTERNAL source account. It is not idempotent: callers that want
// "find or create" list first (a failed create is never retried once it may have reached the server).
func (c *Client) CreateChannelAccount(ctx context.Context, name, sourceAccountIdentifier string) (ChannelAccount, error) {
	params, err := c.orgParams()
	if err != nil {
		return ChannelAccount{}, err
	}
	if name == "" || sourceAccountIdentifier == "" {
		return ChannelAccount{}, fmt.Errorf("%w: a channel account needs a name and a source account identifier", ErrConfig)
	}
	var res ChannelAccount
	if _, err := c.call(ctx, EPCreateSource, params, nil, CreateSourceBody(name, sourceAccountIdentifier), &res); err != nil {
		return ChannelAccount{}, fmt.Errorf("creating channel account %q in org %s: %w", name, c.cfg.OrgID, err)
	}
	return res, nil
}
