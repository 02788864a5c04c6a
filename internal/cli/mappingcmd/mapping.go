// Package mappingcmd implements `ciamctl mapping …`: the customer profile and
// platform request the gateway would make from an ID token.
package mappingcmd

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// NewCmdMapping builds the `mapping` command group.
func NewCmdMapping(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mapping <command>",
		Short: "Show the customer the gateway would create from an ID token",
		Long: `The gateway maps four ID-token claims to platform customer fields (firstname,
lastname, mobile, email; see mappings: in the brand file) and uses the token's
sub as the customer's cuid under the OAUTH_EXTERNAL source.`,
		Args: cobra.ArbitraryArgs,
		Example: `  ciamctl mapping dry-run --brand acme "$ID_TOKEN"
  ciamctl mapping dry-run --brand acme --claims claims.json -o json`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdDryRun(f, nil))
	return cmd
}

// TokenCheck is the verification of the token a command was given.
type TokenCheck struct {
	Verified bool   `json:"verified"`
	Alg      string `json:"alg,omitempty"`
	Kid      string `json:"kid,omitempty"`
	Error    string `json:"error,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// VerifyToken checks an ID token with the brand's policy (issuer, client ID
// as audience, algorithms, keys from its jwksUri) and returns its claims. An
// invalid token is not an error: check.Verified is false and check.Error says
// why (claims are still returned when the token could be decoded). A key set
// that cannot be fetched is an error wrapping jwks.ErrUnavailable (exit 3).
func VerifyToken(ctx context.Context, f *cmdutil.Factory, cfg *brand.Config, token string, noCache bool) (json.RawMessage, TokenCheck, error) {
	v, err := f.BrandVerifier(cfg, noCache)
	if err != nil {
		return nil, TokenCheck{}, err
	}
	res := v.Verify(ctx, token)
	check := TokenCheck{Verified: res.Valid, Reason: res.Reason, Error: res.Error}
	var hdr struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	_ = json.Unmarshal(res.Header, &hdr)
	check.Alg, check.Kid = hdr.Alg, hdr.Kid
	if res.Reason == oidc.ReasonJWKSUnavailable {
		return res.Claims, check, cmdutil.WithHint(fmt.Errorf("%w: cannot verify the token: %s", jwks.ErrUnavailable, res.Error),
			"check the brand's jwksUri (%s) and the network; `ciamctl jwks inspect %s` shows what it serves", cfg.CIAM.JWKSURI, cfg.CIAM.JWKSURI)
	}
	return res.Claims, check, nil
}
