package cmdutil

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// ErrBrandUnusable marks a brand named by --brand whose file has errors (or
// could not be read safely): its policy cannot be trusted — a `clientID:`
// typo leaves the audience empty — so no command uses it. Exit code 2: the
// command cannot run with the brand as it is.
var ErrBrandUnusable = errors.New("brand cannot be used")

// unusableMarker lets errors.Is(err, ErrBrandUnusable) hold without adding text.
type unusableMarker struct{}

func (unusableMarker) Error() string        { return "" }
func (unusableMarker) Is(target error) bool { return target == ErrBrandUnusable }

// AddBrandFlag registers --brand NAME on cmd, completed from the workspace.
func AddBrandFlag(f *Factory, cmd *cobra.Command, p *string, usage string) {
	cmd.Flags().StringVar(p, "brand", "", usage)
	_ = cmd.RegisterFlagCompletionFunc("brand", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return BrandNames(f), cobra.ShellCompDirectiveNoFileComp
	})
}

// CompleteBrandName completes a NAME argument with the workspace's brands.
func CompleteBrandName(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return BrandNames(f), cobra.ShellCompDirectiveNoFileComp
	}
}

// BrandNames lists the workspace's brand names for completion. Files that
// would be skipped (not regular, links out of the workspace) are left out
// silently: completion never reads them and never reports.
func BrandNames(f *Factory) []string {
	names, err := f.Workspace().Names()
	if err != nil {
		return nil
	}
	return names
}

// LoadBrandFile loads a brand by name whatever its state, for the commands
// that show or remove it; an unknown name gets a hint.
func (f *Factory) LoadBrandFile(name string) (brand.FileResult, error) {
	store := f.Workspace()
	res, err := store.Load(name)
	switch {
	case errors.Is(err, workspace.ErrNotFound):
		// A file that says brand: NAME under another file name is the
		// likely mix-up: brand list shows NAME, but --brand goes by file.
		if results, lerr := store.CheckAll(); lerr == nil {
			for _, r := range results {
				if r.Config.Brand == name {
					other := workspace.NameOf(r.Path)
					return res, WithHint(err, "%s says brand: %s, but brands are found by file name: rename it to %s.yaml, or use the name %s",
						r.Path, name, name, other)
				}
			}
		}
		return res, WithHint(err, "a brand is found by its file name, <workspace>/NAME.yaml; `ciamctl brand list` lists the brands in workspace %s", store.Dir)
	case err != nil:
		return res, WithHint(err, "run `ciamctl brand list` to see the brands in workspace %s", store.Dir)
	}
	return res, nil
}

// UsableBrand is the one way a command loads the brand its --brand flag
// names. A brand whose file has errors is refused: its problems go to
// stderr, then one error and hint, the same for every command.
func (f *Factory) UsableBrand(name string) (brand.FileResult, error) {
	res, err := f.LoadBrandFile(name)
	var skipped *safefile.SkipError
	if errors.As(err, &skipped) {
		return res, WithHint(fmt.Errorf("brand %q: %s %s, so it cannot be used%w", name, skipped.Path, skipped.Reason, unusableMarker{}),
			"make %s a regular file in the workspace", skipped.Path)
	}
	if err != nil {
		return res, err
	}
	if !brand.HasErrors(res.Problems) {
		return res, nil
	}
	cs := f.IOStreams.ErrColorScheme()
	for _, p := range res.Problems {
		fmt.Fprintln(f.IOStreams.ErrOut, ProblemLine(cs, p))
	}
	return res, WithHint(fmt.Errorf("brand %q: %s has errors, so it cannot be used%w", name, res.Path, unusableMarker{}),
		"fix them (`ciamctl config validate %s` shows each), then run the command again", res.Path)
}
