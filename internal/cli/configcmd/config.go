// Package configcmd implements `ciamctl config …`.
package configcmd

import (
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdConfig builds the `config` command group.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Check brand configuration files",
		Args:  cobra.ArbitraryArgs,
		Example: `  ciamctl config validate
  ciamctl config validate --online --format github`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdValidate(f, nil))
	return cmd
}
