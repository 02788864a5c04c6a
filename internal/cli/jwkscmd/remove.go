package jwkscmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

// RemoveOptions holds the dependencies and flags of `jwks remove`.
type RemoveOptions struct {
	Factory *cmdutil.Factory

	Set  string
	Kids []string
}

// NewCmdRemove builds `jwks remove --set FILE KID…`.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "remove --set FILE KID...",
		Short: "Remove keys from a JWK set file by kid",
		Long: `Remove every key with the given kid from the JWK set in --set FILE: the step
of a key rotation test where the old key is retired. A key without kid is
removed by its RFC 7638 thumbprint (` + "`ciamctl keys thumbprint`" + `).

A KID that matches no key is an error, and so is removing the last key (delete
the file instead); either way the file is left as it was. The file is replaced
atomically, keeping its mode.

Exit 0 when removed, 2 for an unknown kid, a missing file or one that is not a
JWK set.`,
		Example: `  ciamctl jwks remove --set rotation.json 2026-11
  ciamctl jwks remove --set jwks.json "$(ciamctl keys thumbprint old.pem)"`,
		Args: cmdutil.MinimumArgs(1, "KID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Kids = args
			if opts.Set == "" {
				return cmdutil.FlagErrorf("--set FILE is required: the JWK set file to remove keys from")
			}
			if runF != nil {
				return runF(opts)
			}
			return removeRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Set, "set", "", "JWK set `FILE` to remove keys from")
	_ = cmd.MarkFlagFilename("set", "json")
	return cmd
}

// RemoveReport is the -o json|yaml shape of `jwks remove`.
type RemoveReport struct {
	Set     string   `json:"set"`
	Removed []string `json:"removed"`
	Keys    int      `json:"keys"`
}

func removeRun(o *RemoveOptions) error {
	f := o.Factory
	sf, err := openSetFile(f, o.Set, false)
	if err != nil {
		return err
	}
	rep := RemoveReport{Set: o.Set, Removed: []string{}}
	kids := sf.doc.Kids()
	for _, kid := range o.Kids {
		if _, err := sf.doc.Remove(kid); err != nil {
			if errors.Is(err, jwks.ErrKidNotFound) {
				return cmdutil.WithHint(cmdutil.FlagErrorf("--set %s: %s", o.Set, err), "the set's keys: %s", kidList(kids))
			}
			return err
		}
		rep.Removed = append(rep.Removed, kid)
	}
	if sf.doc.Len() == 0 {
		return cmdutil.WithHint(cmdutil.FlagErrorf("--set %s: removing %s would leave the set without keys", o.Set, strings.Join(quoted(o.Kids), ", ")),
			"a key set needs a key to verify with; delete the file if it is no longer needed")
	}
	if err := sf.save(o.Set); err != nil {
		return err
	}
	rep.Keys = sf.doc.Len()
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep)
	}
	cs := f.IOStreams.ColorScheme()
	for _, kid := range rep.Removed {
		fmt.Fprintf(f.IOStreams.Out, "%s Removed key %s\n", cs.SuccessIcon(), clean(kid))
	}
	_, err = fmt.Fprintf(f.IOStreams.Out, "%s now holds %d %s\n", o.Set, rep.Keys, cmdutil.Plural(rep.Keys, "key"))
	return err
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", clean(s))
	}
	return out
}

func kidList(kids []string) string {
	if len(kids) == 0 {
		return "none"
	}
	return strings.Join(quoted(kids), ", ")
}
