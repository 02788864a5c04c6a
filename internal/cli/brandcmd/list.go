package brandcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// ListOptions holds the dependencies of `brand list`.
type ListOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdList builds `brand list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the brands in the workspace",
		Example: "  ciamctl brand list\n  ciamctl brand list -o json --dir ./brands",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
}

// listItem is one brand in `brand list -o json`.
type listItem struct {
	Brand    string `json:"brand"`
	File     string `json:"file"`
	Valid    bool   `json:"valid"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	// Skipped says why the file was not read (a FIFO, a link out of the
	// workspace, over 1 MiB ...); absent for files that were.
	Skipped string        `json:"skipped,omitempty"`
	Config  *brand.Config `json:"config"`
}

func countProblems(ps []brand.Problem) (errs, warns int) {
	for _, p := range ps {
		if p.Severity == brand.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

func listRun(o *ListOptions) error {
	f := o.Factory
	store := f.Workspace()
	results, err := store.CheckAll()
	if err != nil {
		return err
	}
	items := make([]listItem, 0, len(results))
	for _, r := range results {
		e, w := countProblems(r.Problems)
		name := r.Config.Brand
		if name == "" {
			name = workspace.NameOf(r.Path)
		}
		it := listItem{Brand: name, File: r.Path, Valid: e == 0, Errors: e, Warnings: w, Config: r.Config}
		if r.Unreadable {
			it.Skipped = r.Problems[0].Message
		}
		items = append(items, it)
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, items)
	}
	if len(items) == 0 {
		if f.IOStreams.Quiet() {
			return nil
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "No brand files (*.yaml) in workspace directory %s. Add one with `ciamctl brand add`, or choose another workspace with --dir or $CIAMCTL_DIR.\n",
			iostreams.SafeText(store.Dir))
		return nil
	}
	cs := f.IOStreams.ColorScheme()
	tb := iostreams.NewTable()
	tb.Row(cs.Bold("BRAND"), cs.Bold("PROVIDER"), cs.Bold("CLIENT ID"), cs.Bold("CHANNEL"), cs.Bold("STATUS"))
	// Values come from the brand files, which anyone with commit access writes.
	safe := iostreams.SafeText
	for _, it := range items {
		c := it.Config
		channel := "-"
		if c.Channel != nil && c.Channel.AccountID != "" {
			channel = c.Channel.AccountID
		}
		tb.Row(safe(it.Brand), safe(dash(c.CIAM.Provider)), safe(dash(c.CIAM.ClientID)), safe(channel), status(cs, it))
	}
	return tb.Render(f.IOStreams.Out)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func status(cs *iostreams.ColorScheme, it listItem) string {
	switch {
	case it.Skipped != "":
		return cs.Red(it.Skipped)
	case it.Errors > 0:
		return cs.Red(fmt.Sprintf("invalid (%d %s)", it.Errors, cmdutil.Plural(it.Errors, "error")))
	case it.Warnings > 0:
		return cs.Yellow(fmt.Sprintf("ok (%d %s)", it.Warnings, cmdutil.Plural(it.Warnings, "warning")))
	}
	return cs.Green("ok")
}
