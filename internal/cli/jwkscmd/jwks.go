// Package jwkscmd implements `ciamctl jwks …`: looking at key sets.
package jwkscmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdJWKS builds the `jwks` command group.
func NewCmdJWKS(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "jwks <command>",
		Short:   "Inspect JSON Web Key Sets",
		Example: `  ciamctl jwks inspect https://id.acme.example/.well-known/jwks.json`,
		Args:    cobra.ArbitraryArgs,
		RunE:    cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdInspect(f, nil))
	return cmd
}
