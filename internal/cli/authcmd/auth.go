// Package authcmd implements `ciamctl auth …`: platform credentials kept as
// named profiles, the secret in the OS keychain, as gh keeps its tokens.
package authcmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdAuth builds the `auth` command group.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Store platform credentials as profiles (secrets in the OS keychain)",
		Long: `Keep platform (Intouch) credentials between commands, one profile per org and
cluster, instead of exporting CIAMCTL_INTOUCH_* in every shell.

A profile holds the API URL (or cluster), the org ID and the client key (or
username) in profiles.yaml under the user config directory; the secret goes
to the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
Manager on Windows), or, where there is none (no D-Bus session, CI,
containers), to credentials.yaml beside it, readable only by you, with a
warning. $CIAMCTL_CONFIG_DIR moves both files.

Which credentials a platform command uses:
  1. --profile NAME: its credentials, URL and org replace every
     CIAMCTL_INTOUCH_* variable (--org-id and a brand's orgId still choose
     the org to act on, as for a parent org's credentials);
  2. else CIAMCTL_INTOUCH_CLIENT_KEY + _SECRET (or _USERNAME + _PASSWORD);
  3. else the one profile for the command's host and org: --cluster or
     --intouch-url, $CIAMCTL_INTOUCH_URL or the brand's cluster, and --org-id,
     $CIAMCTL_INTOUCH_ORG_ID or the brand's orgId (with neither known, the
     only profile).
A profile's secret is only ever sent to the host it was stored for: a
--cluster, --intouch-url or brand cluster naming another host is an error.`,
		Args: cobra.ArbitraryArgs,
		Example: `  ciamctl auth login --cluster eu --org-id 50123 --client-key "$KEY"
  pass show intouch/eu | ciamctl auth login --cluster eu --org-id 50123 --client-key "$KEY" --with-secret
  ciamctl auth status
  ciamctl channel list --brand acme          # uses the profile for acme's orgId and cluster
  ciamctl auth logout --profile eu-50123`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdLogin(f, nil),
		NewCmdStatus(f, nil),
		NewCmdList(f, nil),
		NewCmdLogout(f, nil),
	)
	return cmd
}
