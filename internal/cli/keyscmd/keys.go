// Package keyscmd implements `ciamctl keys …`: test key material.
package keyscmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdKeys builds the `keys` command group.
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "keys <command>",
		Short:   "Generate test signing keys",
		Example: `  ciamctl keys generate --alg ES256 --kid ci-1 --out testkeys`,
		Args:    cobra.ArbitraryArgs,
		RunE:    cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdGenerate(f, nil))
	return cmd
}
