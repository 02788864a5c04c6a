// Package root builds the ciamctl command tree.
package root

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/build"
	"github.com/ciamctl/ciamctl/internal/cli/brandcmd"
	"github.com/ciamctl/ciamctl/internal/cli/channelcmd"
	"github.com/ciamctl/ciamctl/internal/cli/completioncmd"
	"github.com/ciamctl/ciamctl/internal/cli/configcmd"
	"github.com/ciamctl/ciamctl/internal/cli/customercmd"
	"github.com/ciamctl/ciamctl/internal/cli/democmd"
	"github.com/ciamctl/ciamctl/internal/cli/doctorcmd"
	"github.com/ciamctl/ciamctl/internal/cli/flowcmd"
	"github.com/ciamctl/ciamctl/internal/cli/jwkscmd"
	"github.com/ciamctl/ciamctl/internal/cli/keyscmd"
	"github.com/ciamctl/ciamctl/internal/cli/mappingcmd"
	"github.com/ciamctl/ciamctl/internal/cli/sandboxcmd"
	"github.com/ciamctl/ciamctl/internal/cli/tokencmd"
	"github.com/ciamctl/ciamctl/internal/cli/versioncmd"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// NewCmdRoot returns the root command with every subcommand attached.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	g := f.Globals
	cmd := &cobra.Command{
		Use:   "ciamctl <command>",
		Short: "Connect a brand's CIAM to the loyalty platform's API gateway",
		Long: `ciamctl wires a brand's own identity provider (an OpenID Connect CIAM such as
Auth0, Okta, Keycloak or NextReason) to the loyalty platform's API gateway.

It keeps each brand's gateway configuration as a reviewed YAML file (application
ID, client ID, claim mappings, userinfo endpoint, JWKS URI), validates it in CI,
verifies ID tokens against the CIAM's keys, and performs the platform-side steps.`,
		Example: `  ciamctl brand add --name acme --client-id acme-loyalty ...
  ciamctl config validate --format github
  ciamctl brand export acme --format ticket`,
		Version:       build.Current().Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          cmdutil.GroupRunE,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.ValidateFormat(g.Output); err != nil {
				return err
			}
			if g.NoColor {
				f.IOStreams.DisableColor()
			}
			if g.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout: must be positive, e.g. 10s")
			}
			return nil
		},
	}
	cmd.SetVersionTemplate("ciamctl {{.Version}}\n")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cmdutil.WithHint(cmdutil.FlagErrorf("%s", err.Error()), "run `%s --help` for its flags", c.CommandPath())
	})

	pf := cmd.PersistentFlags()
	pf.StringVarP(&g.Output, "output", "o", cmdutil.FormatText, "output format: text, json or yaml")
	pf.BoolVar(&g.NoColor, "no-color", false, "disable colour (also NO_COLOR=1; off anyway when not a terminal)")
	pf.BoolVar(&g.NoInput, "no-input", false, "never prompt; missing values are errors")
	pf.StringVar(&g.Dir, "dir", "", "brand workspace directory (default $CIAMCTL_DIR, else ./brands)")
	pf.DurationVar(&g.Timeout, "timeout", 10*time.Second, "network timeout")
	pf.BoolVar(&g.Debug, "debug", false, "trace HTTP requests to stderr, secrets redacted")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(
		[]string{"text", "json", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkPersistentFlagDirname("dir")

	cmd.AddCommand(
		brandcmd.NewCmdBrand(f),
		configcmd.NewCmdConfig(f),
		tokencmd.NewCmdToken(f),
		keyscmd.NewCmdKeys(f),
		jwkscmd.NewCmdJWKS(f),
		mappingcmd.NewCmdMapping(f),
		channelcmd.NewCmdChannel(f),
		flowcmd.NewCmdFlow(f),
		customercmd.NewCmdCustomer(f),
		doctorcmd.NewCmdDoctor(f, nil),
		sandboxcmd.NewCmdSandbox(f, nil),
		democmd.NewCmdDemo(f, runChild, nil),
		versioncmd.NewCmdVersion(f),
		completioncmd.NewCmdCompletion(f),
	)
	return cmd
}

// runChild runs one command line in process with its own dependencies; the
// demo walks the journey through it.
func runChild(ctx context.Context, f *cmdutil.Factory, args []string) error {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	return cmd.ExecuteContext(ctx)
}
