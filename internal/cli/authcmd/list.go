package authcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/profile"
)

// ListOptions holds the dependencies of `auth list`.
type ListOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdList builds `auth list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the stored profiles (no secrets, no network)",
		Long: `List the stored profiles: name, platform (cluster or URL), org, kind of
credentials, client key or username, and where the secret is (keychain or
file). Nothing is sent anywhere and no secret is read; ` + "`ciamctl auth status`" + `
checks that the credentials still work.`,
		Example: `  ciamctl auth list
  ciamctl auth list -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	return cmd
}

func listRun(o *ListOptions) error {
	f := o.Factory
	_, cfg, err := f.LoadProfiles()
	if err != nil {
		return err
	}
	list := cfg.List()
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(f.IOStreams.ErrOut, "No profiles. Add one with `ciamctl auth login --cluster C --org-id N`.")
		return nil
	}
	t := iostreams.NewTable()
	t.Row("NAME", "PLATFORM", "ORG", "AUTH", "KEY OR USER", "SECRET")
	for _, p := range list {
		secret := "keychain"
		if p.SecretStore == profile.StoreFile {
			secret = "file"
		}
		t.Row(iostreams.SafeText(p.Name), iostreams.SafeText(p.Where()), p.OrgID, string(p.Auth), iostreams.SafeText(p.Identity()), secret)
	}
	return t.Render(f.IOStreams.Out)
}
