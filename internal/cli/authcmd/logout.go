package authcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/profile"
)

// LogoutOptions holds the dependencies and flags of `auth logout`.
type LogoutOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Profile string
}

// NewCmdLogout builds `auth logout`.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "logout [--profile NAME]",
		Short: "Remove a profile and its secret",
		Long: `Remove a profile: its secret from the OS keychain (or the credentials file),
then the profile itself. Without --profile, the only profile; with several,
--profile names one. When the keychain cannot be reached nothing is removed,
so no secret is left behind without the profile that names it.

Credentials stay valid on the platform: revoke them there if they leaked.`,
		Example: `  ciamctl auth logout --profile eu-50123`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(opts)
		},
	}
	cmdutil.AddProfileFlag(f, cmd, &opts.Profile, "the profile to remove (default: the only one)")
	return cmd
}

func logoutRun(o *LogoutOptions) error {
	f := o.Factory
	store, err := f.ProfileStore()
	if err != nil {
		return err
	}
	name := o.Profile
	if name == "" {
		cfg, err := store.Load()
		if err != nil {
			return err
		}
		switch names := cfg.Names(); len(names) {
		case 0:
			return cmdutil.FlagErrorf("no profiles to log out of")
		case 1:
			name = names[0]
		default:
			return cmdutil.FlagErrorf("several profiles (%s): pass --profile NAME", strings.Join(names, ", "))
		}
	}
	p, err := store.Remove(o.Ctx, name)
	if err != nil {
		if errors.Is(err, profile.ErrNotFound) {
			return cmdutil.WithHint(cmdutil.FlagErrorf("--profile: %s", err), "`ciamctl auth list` shows the profiles")
		}
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, map[string]any{"removed": p})
	}
	where := "the OS keychain"
	if p.SecretStore == profile.StoreFile {
		where = store.SecretsPath()
	}
	fmt.Fprintf(f.IOStreams.Out, "%s Logged out: removed profile %q (org %s on %s) and its secret from %s\n",
		f.IOStreams.ColorScheme().SuccessIcon(), p.Name, p.OrgID, p.Where(), where)
	return nil
}
