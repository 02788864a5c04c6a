// Package jwkscmd implements `ciamctl jwks …`: looking at key sets.
package jwkscmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdJWKS builds the `jwks` command group.
func NewCmdJWKS(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jwks <command>",
		Short: "Inspect JSON Web Key Sets; build and prune set files",
		Example: `  ciamctl jwks inspect https://id.acme.example/.well-known/jwks.json
  ciamctl jwks add --set rotation.json old/private.jwk.json new/private.jwk.json
  ciamctl jwks remove --set rotation.json 2026-11`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdInspect(f, nil), NewCmdAdd(f, nil), NewCmdRemove(f, nil))
	return cmd
}
