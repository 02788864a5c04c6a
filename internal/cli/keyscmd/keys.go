// Package keyscmd implements `ciamctl keys …`: test key material.
package keyscmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdKeys builds the `keys` command group.
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys <command>",
		Short: "Generate test signing keys; print a key's thumbprint or public half",
		Example: `  ciamctl keys generate --alg ES256 --kid ci-1 --out testkeys
  ciamctl keys thumbprint testkeys/private.jwk.json
  ciamctl keys public --format pem testkeys/private.jwk.json`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdGenerate(f, nil), NewCmdThumbprint(f, nil), NewCmdPublic(f, nil))
	return cmd
}
