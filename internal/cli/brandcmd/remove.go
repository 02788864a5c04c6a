package brandcmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/safefile"
)

// RemoveOptions holds the dependencies and arguments of `brand remove`.
type RemoveOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Yes     bool

	confirm func(o *RemoveOptions, path string) (bool, error)
}

// NewCmdRemove builds `brand remove NAME`.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Factory: f, confirm: confirmRemove}
	cmd := &cobra.Command{
		Use:               "remove NAME",
		Aliases:           []string{"rm"},
		Short:             "Delete a brand's configuration file",
		Long:              "Delete <workspace>/NAME.yaml. On a terminal it asks first; otherwise --yes is required.",
		Example:           "  ciamctl brand remove acme\n  ciamctl brand remove acme --yes",
		Args:              cmdutil.ExactArgs(1, "brand NAME"),
		ValidArgsFunction: cmdutil.CompleteBrandName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking")
	return cmd
}

func removeRun(cmd *cobra.Command, o *RemoveOptions) error {
	f := o.Factory
	store := f.Workspace()
	// A file that would be skipped when read (a FIFO, a link out of the
	// workspace) can still be removed: removing deletes the entry, never
	// what a link points to.
	if _, err := f.LoadBrandFile(o.Name); err != nil && !errors.Is(err, safefile.ErrSkipped) {
		return err
	}
	path := store.Path(o.Name)
	if !o.Yes {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("pass --yes to remove brand %q without a terminal", o.Name)
		}
		ok, err := o.confirm(o, path)
		if err != nil {
			return err
		}
		if !ok {
			return cmdutil.ErrCancelled
		}
	}
	if err := store.Remove(cmd.Context(), o.Name); err != nil {
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, map[string]string{
			"brand": o.Name, "file": path, "result": "removed",
		})
	}
	if f.IOStreams.Quiet() {
		return nil
	}
	cs := f.IOStreams.ColorScheme()
	_, err := fmt.Fprintf(f.IOStreams.Out, "%s Removed brand %s (%s)\n", cs.SuccessIcon(), cs.Bold(o.Name), path)
	return err
}

func confirmRemove(o *RemoveOptions, path string) (bool, error) {
	ok := false
	err := o.Factory.RunForm(context.Background(), huh.NewForm(huh.NewGroup(huh.NewConfirm().
		Title(fmt.Sprintf("Remove brand %s (%s)?", o.Name, path)).
		Affirmative("Remove").Negative("Keep").Value(&ok))))
	return ok, err
}
