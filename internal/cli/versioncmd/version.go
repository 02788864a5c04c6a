// Package versioncmd implements `ciamctl version`.
package versioncmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/build"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdVersion builds `ciamctl version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Show ciamctl's version, commit and build date",
		Example: "  ciamctl version\n  ciamctl version -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := build.Current()
			if f.Globals.Output != cmdutil.FormatText {
				return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, info)
			}
			_, err := fmt.Fprintf(f.IOStreams.Out, "ciamctl %s (commit %s, built %s) %s %s\n",
				info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
			return err
		},
	}
}
