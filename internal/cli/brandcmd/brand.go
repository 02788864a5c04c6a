// Package brandcmd implements `ciamctl brand …`: the registry of brand files.
package brandcmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdBrand builds the `brand` command group.
func NewCmdBrand(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "brand <command>",
		Short: "Add, change, list, show, export and remove brand configurations",
		Long: `A brand configuration is one YAML file per brand in the workspace (--dir,
$CIAMCTL_DIR, else ./brands). It holds what the gateway needs to trust the
brand's CIAM: application ID, client ID, issuer, userinfo endpoint, JWKS URI,
allowed algorithms, and the claim mappings for firstname, lastname, mobile, email.`,
		Args: cobra.ArbitraryArgs,
		Example: `  ciamctl brand add --discover https://id.acme.example/ --name acme --application-id 6a1f --client-id acme-loyalty --map email=email
  ciamctl brand set acme ciam.clientId=acme-web
  ciamctl brand edit acme
  ciamctl brand list
  ciamctl brand export acme --format ticket`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdAdd(f, nil),
		NewCmdSet(f, nil),
		NewCmdEdit(f, nil),
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdRemove(f, nil),
		NewCmdExport(f, nil),
	)
	return cmd
}
