// Package tokencmd implements `ciamctl token …`: fetch, decode, verify and
// sign ID tokens, and call userinfo with an access token. The verification
// policy lives in internal/oidc and the OAuth flows in internal/oauthflow;
// this package only wires flags, brands and output to them.
package tokencmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdToken builds the `token` command group.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token <command>",
		Short: "Fetch, decode, verify and sign ID tokens; call userinfo with an access token",
		Long: `Work with OpenID Connect ID tokens: fetch one from the brand's CIAM (a browser
sign-in or another flow it offers), decode one to read it (unverified), verify
one or a batch exactly as the gateway would (signature from the CIAM's JWKS,
issuer, audience, expiry, ...), or sign test tokens with a key made by
` + "`ciamctl keys generate`" + `.`,
		Example: `  TOKEN=$(ciamctl token fetch --brand acme)
  ciamctl token decode "$TOKEN"
  ciamctl token verify --brand acme "$TOKEN"
  ciamctl token sign --key testkeys/private.jwk.json --set sub=u1 --set aud=acme-loyalty`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdFetch(f, nil),
		NewCmdDecode(f, nil),
		NewCmdVerify(f, nil),
		NewCmdSign(f, nil),
		NewCmdUserinfo(f, nil),
	)
	return cmd
}
