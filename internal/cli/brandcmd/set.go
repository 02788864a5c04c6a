package brandcmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// SetOptions holds the dependencies and arguments of `brand set`.
type SetOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Name    string
	Changes []brand.Change
	DryRun  bool
}

// NewCmdSet builds `brand set NAME KEY=VALUE… KEY-…`.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "set NAME KEY=VALUE... [KEY-...]",
		Short: "Change fields of a brand in place, keeping comments, key order and the channel",
		Long: `Change a brand's fields in place. KEY is the field's path in the brand file
(ciam.clientId, mappings.email, displayName...); KEY=VALUE sets it and KEY-
removes it, as kubectl label does. ciam.algorithms takes a comma-separated
list; orgId a number.

Only the lines of the changed keys are rewritten: comments, key order, blank
lines and the channel block stay as they are. The result is checked before
it is written: a change that would make the brand invalid is refused (exit 2)
and nothing is written; errors the file already had do not block changing
other fields. The file is written atomically under the workspace lock, and
the fields that changed are listed.

Keys: displayName, orgId, cluster, ciam.provider, ciam.applicationId,
ciam.clientId, ciam.issuer, ciam.userinfoEndpoint, ciam.jwksUri,
ciam.algorithms, mappings.firstname, mappings.lastname, mappings.mobile,
mappings.email, channel.source, channel.accountId, channel.accountName
(channel link records the channel; brand set can correct it), and
mappings and channel as a whole for removal (mappings-, channel-).`,
		Example: `  ciamctl brand set acme ciam.clientId=acme-web
  ciamctl brand set acme displayName="Acme Loyalty" cluster=eu orgId=50123
  ciamctl brand set acme ciam.algorithms=RS256,ES256 mappings.email=/contact/email
  ciamctl brand set acme mappings.mobile-        # remove the mobile mapping
  ciamctl brand set acme ciam.issuer=https://id.acme.example/ --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return cmdutil.FlagErrorf("missing brand NAME and KEY=VALUE: usage: %s", cmd.UseLine())
			case 1:
				return cmdutil.FlagErrorf("missing KEY=VALUE (or KEY- to remove a key), e.g. ciam.clientId=acme-web; usage: %s", cmd.UseLine())
			}
			return nil
		},
		ValidArgsFunction: completeSetArgs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Name = args[0]
			if err := brand.ValidateName(opts.Name); err != nil {
				return cmdutil.FlagErrorf("brand NAME: %v", err)
			}
			seen := map[string]string{}
			for _, arg := range args[1:] {
				ch, err := brand.ParseChange(arg)
				if err != nil {
					return cmdutil.FlagErrorf("%v", err)
				}
				if prev, dup := seen[ch.Path]; dup {
					return cmdutil.FlagErrorf("%q and %q both change %s; keep one", prev, arg, ch.Path)
				}
				seen[ch.Path] = arg
				opts.Changes = append(opts.Changes, ch)
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show the changes and the resulting file instead of writing it")
	return cmd
}

// completeSetArgs completes the brand name, then the keys.
func completeSetArgs(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return cmdutil.BrandNames(f), cobra.ShellCompDirectiveNoFileComp
		}
		var keys []string
		for _, k := range brand.SettableKeys() {
			keys = append(keys, k+"=")
		}
		return keys, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

func setRun(o *SetOptions) error {
	f := o.Factory
	store := f.Workspace()
	path := store.Path(o.Name)
	var diff []brand.FieldChange
	apply := func(cur []byte) ([]byte, error) {
		next, err := editBrand(path, cur, o.Changes)
		if err != nil {
			return nil, err
		}
		before, _, _ := brand.Decode(cur)
		after, _, _ := brand.Decode(next)
		diff = brand.Diff(before, after)
		return next, nil
	}
	if o.DryRun {
		cur, err := readBrand(store, o.Name)
		if err != nil {
			return err
		}
		next, err := apply(cur)
		if err != nil {
			return err
		}
		if f.Globals.Output != cmdutil.FormatText {
			return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, writeResult{Brand: o.Name, File: path, Result: dryResult(diff), Changes: diff})
		}
		w := f.IOStreams.Out
		if len(diff) == 0 {
			fmt.Fprintf(w, "Brand %s already has these values; nothing would change.\n", o.Name)
		} else {
			fmt.Fprintf(w, "Would change brand %s in %s:\n", o.Name, path)
			writeChanges(w, f.IOStreams.ColorScheme(), diff)
			fmt.Fprintf(w, "\n%s", iostreams.SafeLines(string(next)))
		}
		_, err = fmt.Fprintln(w, f.IOStreams.ColorScheme().Gray("Dry run: nothing was written."))
		return err
	}
	outcome, err := store.Update(o.Ctx, o.Name, apply)
	if err != nil {
		return notFoundHint(err, store)
	}
	printFileWarnings(f, path)
	return reportEdit(f, o.Name, path, outcome, diff)
}

func dryResult(diff []brand.FieldChange) string {
	if len(diff) == 0 {
		return "unchanged"
	}
	return "updated"
}

// readBrand reads a brand's file as it is.
func readBrand(store *workspace.Store, name string) ([]byte, error) {
	path := store.Path(name)
	data, err := workspace.ReadBrandFile(workspace.File{Path: path, Listed: true})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, notFoundHint(fmt.Errorf("brand %q: no file %s: %w", name, path, workspace.ErrNotFound), store)
	case errors.Is(err, safefile.ErrSkipped):
		return nil, err
	case err != nil:
		return nil, workspace.IOError("read", path, err)
	}
	return data, nil
}

func notFoundHint(err error, store *workspace.Store) error {
	if errors.Is(err, workspace.ErrNotFound) {
		return cmdutil.WithHint(err, "run `ciamctl brand list` to see the brands in %s, or `ciamctl brand add` to create one", store.Dir)
	}
	return err
}

// editBrand applies changes to a brand file and checks the result.
func editBrand(path string, cur []byte, changes []brand.Change) ([]byte, error) {
	if err := brand.Editable(cur); err != nil {
		return nil, cmdutil.WithHint(fmt.Errorf("%s: %w", path, err), "fix it with `ciamctl brand edit %s`", workspace.NameOf(path))
	}
	next, err := brand.Edit(cur, changes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := resultProblems(path, cur, next); err != nil {
		return nil, err
	}
	return next, nil
}

// printFileWarnings shows the warnings of the file as written.
func printFileWarnings(f *cmdutil.Factory, path string) {
	data, err := workspace.ReadBrandFile(workspace.File{Path: path, Listed: true})
	if err != nil {
		return
	}
	cs := f.IOStreams.ErrColorScheme()
	for _, p := range brand.CheckFile(path, data).Problems {
		fmt.Fprintln(f.IOStreams.ErrOut, cmdutil.ProblemLine(cs, p))
	}
}

// reportEdit prints what set or edit did to a brand file.
func reportEdit(f *cmdutil.Factory, name, path string, outcome workspace.Outcome, diff []brand.FieldChange) error {
	word := "updated"
	if outcome == workspace.Unchanged {
		word = "unchanged"
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, writeResult{Brand: name, File: path, Result: word, Changes: diff})
	}
	cs := f.IOStreams.ColorScheme()
	w := f.IOStreams.Out
	switch {
	case outcome == workspace.Unchanged:
		_, err := fmt.Fprintf(w, "%s Brand %s already has these values; nothing changed\n", cs.SuccessIcon(), cs.Bold(name))
		return err
	case len(diff) == 0:
		_, err := fmt.Fprintf(w, "%s Updated brand %s in %s (comments and layout only; no field changed)\n", cs.SuccessIcon(), cs.Bold(name), path)
		return err
	}
	fmt.Fprintf(w, "%s Updated brand %s in %s\n", cs.SuccessIcon(), cs.Bold(name), path)
	writeChanges(w, cs, diff)
	return nil
}
