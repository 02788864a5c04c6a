// Package channelcmd implements `ciamctl channel …`: the org's OAUTH_EXTERNAL
// channel (source) account on the platform, and its record in the brand file.
package channelcmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdChannel builds the `channel` command group.
func NewCmdChannel(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channel <command>",
		Short: "Link the org's OAUTH_EXTERNAL channel account and list channel accounts",
		Long: `Customers who sign in through a brand's CIAM live on the platform under the
OAUTH_EXTERNAL source, in one channel (source) account of the org. ` + "`channel link`" + `
finds or creates that account through the Intouch API and records it in the
brand file; ` + "`channel list`" + ` shows the org's accounts.

The API location and credentials come from CIAMCTL_INTOUCH_URL, CIAMCTL_INTOUCH_ORG_ID
and CIAMCTL_INTOUCH_CLIENT_KEY + CIAMCTL_INTOUCH_CLIENT_SECRET (or _USERNAME + _PASSWORD);
` + "`ciamctl sandbox`" + ` prints them for a local emulator. Without credentials in the
environment, the profile stored by ` + "`ciamctl auth login`" + ` for the org and cluster is
used (or --profile NAME).`,
		Args: cobra.ArbitraryArgs,
		Example: `  ciamctl channel link --brand acme
  ciamctl channel list --oauth-external`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdLink(f, nil),
		NewCmdList(f, nil),
	)
	return cmd
}
