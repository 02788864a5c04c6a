// Package tokencmd implements `ciamctl token …`: decode, verify and sign ID
// tokens. The verification policy lives in internal/oidc; this package only
// wires flags, brands and output to it.
package tokencmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdToken builds the `token` command group.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token <command>",
		Short: "Decode, verify and sign ID tokens; call userinfo with an access token",
		Long: `Work with OpenID Connect ID tokens: decode one to read it (unverified), verify
one or a batch exactly as the gateway would (signature from the CIAM's JWKS,
issuer, audience, expiry, ...), or sign test tokens with a key made by
` + "`ciamctl keys generate`" + `.`,
		Example: `  ciamctl token decode "$TOKEN"
  ciamctl token verify --brand acme "$TOKEN"
  ciamctl token sign --key testkeys/private.jwk.json --set sub=u1 --set aud=acme-loyalty`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdDecode(f, nil),
		NewCmdVerify(f, nil),
		NewCmdSign(f, nil),
		NewCmdUserinfo(f, nil),
	)
	return cmd
}
