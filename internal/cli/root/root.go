// Package root builds the ciamctl command tree.
package root

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cli/authcmd"
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
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command { return NewCmdRootFor(f, nil) }

// NewCmdRootFor returns the root command for running args: the same
// behaviour as NewCmdRoot, built only as far as args need.
func NewCmdRootFor(f *cmdutil.Factory, args []string) *cobra.Command {
	g := f.Globals
	cmd := &cobra.Command{
		Use:   "ciamctl <command>",
		Short: "Connect a brand's CIAM to the loyalty platform's API gateway",
		Long: `ciamctl wires a brand's own identity provider (an OpenID Connect CIAM such as
Auth0, Okta, Keycloak or NextReason) to the loyalty platform's API gateway.

It keeps each brand's gateway configuration as a reviewed YAML file (application
ID, client ID, claim mappings, userinfo endpoint, JWKS URI), validates it in CI,
verifies ID tokens against the CIAM's keys, and performs the platform-side steps.`,
		Example: `  ciamctl demo                                   # the whole journey, no accounts needed
  ciamctl brand add --discover https://id.acme.example/ --name acme ...
  ciamctl config validate --online --format github
  ciamctl token verify --brand acme "$ID_TOKEN"
  ciamctl mapping dry-run --brand acme "$ID_TOKEN"
  ciamctl channel link --brand acme`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          runRoot,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.ValidateFormat(g.Output); err != nil {
				return err
			}
			if g.NoColor {
				f.IOStreams.DisableColor()
			}
			f.IOStreams.SetQuiet(g.Quiet)
			if g.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout: must be positive, e.g. 10s")
			}
			if g.Debug {
				f.DebugOut = &cmdutil.SyncWriter{W: f.IOStreams.ErrOut}
				f.HTTPClient = cmdutil.TracingHTTPClient(f.HTTPClient, f.DebugOut, f.Now)
			}
			// One --timeout for the whole command, fixed now.
			f.StartDeadline(cmd)
			return nil
		},
	}
	addVersionFlag(cmd)
	// `completion` is ours (completioncmd); cobra must not add its own when
	// the tree is built only in part.
	cmd.CompletionOptions.DisableDefaultCmd = true
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cmdutil.WithHint(cmdutil.FlagErrorf("%s", err.Error()), "run `%s --help` for its flags", c.CommandPath())
	})

	pf := cmd.PersistentFlags()
	pf.StringVarP(&g.Output, "output", "o", cmdutil.FormatText, "output format: text, json or yaml")
	pf.BoolVar(&g.NoColor, "no-color", false, "disable colour (also NO_COLOR=1; wins over CLICOLOR_FORCE=1 and FORCE_COLOR=1)")
	pf.BoolVar(&g.NoInput, "no-input", false, "never prompt; missing values are errors")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print only problems and errors: nothing when a check passes or an action succeeds")
	pf.StringVar(&g.Dir, "dir", "", "brand workspace directory (default $CIAMCTL_DIR, else ./brands)")
	pf.DurationVar(&g.Timeout, "timeout", 10*time.Second, "network timeout")
	pf.BoolVar(&g.Debug, "debug", false, "trace HTTP requests to stderr, secrets redacted")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(
		[]string{"text", "json", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkPersistentFlagDirname("dir")

	addCommands(cmd, f, args)
	if len(args) > 0 && args[0] == "help" {
		strictHelp(cmd)
	}
	return cmd
}

// topCommand is one command under the root, built on demand.
type topCommand struct {
	name  string
	group string
	build func() *cobra.Command
}

// The headings of `ciamctl --help`, in the order of the journey.
var groups = []*cobra.Group{
	{ID: "brands", Title: "Brand configuration:"},
	{ID: "tokens", Title: "ID tokens and keys:"},
	{ID: "platform", Title: "Platform (Intouch):"},
	{ID: "try", Title: "Try it without accounts:"},
}

func topCommands(f *cmdutil.Factory) []topCommand {
	return []topCommand{
		{"brand", "brands", func() *cobra.Command { return brandcmd.NewCmdBrand(f) }},
		{"config", "brands", func() *cobra.Command { return configcmd.NewCmdConfig(f) }},
		{"doctor", "brands", func() *cobra.Command { return doctorcmd.NewCmdDoctor(f, nil) }},
		{"token", "tokens", func() *cobra.Command { return tokencmd.NewCmdToken(f) }},
		{"jwks", "tokens", func() *cobra.Command { return jwkscmd.NewCmdJWKS(f) }},
		{"keys", "tokens", func() *cobra.Command { return keyscmd.NewCmdKeys(f) }},
		{"mapping", "tokens", func() *cobra.Command { return mappingcmd.NewCmdMapping(f) }},
		{"channel", "platform", func() *cobra.Command { return cmdutil.HandleSignals(channelcmd.NewCmdChannel(f)) }},
		{"flow", "platform", func() *cobra.Command { return cmdutil.HandleSignals(flowcmd.NewCmdFlow(f)) }},
		{"customer", "platform", func() *cobra.Command { return customercmd.NewCmdCustomer(f) }},
		{"auth", "platform", func() *cobra.Command { return authcmd.NewCmdAuth(f) }},
		// Long-running by design: no --timeout deadline (demo's steps are commands with their own).
		{"demo", "try", func() *cobra.Command {
			return cmdutil.OwnDeadline(cmdutil.HandleSignals(democmd.NewCmdDemo(f, Execute, nil)))
		}},
		{"sandbox", "try", func() *cobra.Command {
			return cmdutil.OwnDeadline(cmdutil.HandleSignals(sandboxcmd.NewCmdSandbox(f, nil)))
		}},
		{"version", "", func() *cobra.Command { return versioncmd.NewCmdVersion(f) }},
		{"completion", "", func() *cobra.Command { return completioncmd.NewCmdCompletion(f) }},
	}
}

func (c topCommand) grouped() *cobra.Command {
	cmd := c.build()
	cmd.GroupID = c.group
	return cmd
}

// addCommands attaches the whole tree, or only the command args start with.
// Building every command costs start-up time (mostly page faults) that a CI
// loop calling `token verify` pays on each run; help, completion, flags
// before the command and unknown names (which need suggestions) get the
// whole tree.
func addCommands(root *cobra.Command, f *cmdutil.Factory, args []string) {
	// Help lists the commands in the order of the journey, not A to Z.
	cobra.EnableCommandSorting = false
	root.AddGroup(groups...)
	all := topCommands(f)
	if len(args) > 0 && args[0] != "completion" {
		for _, c := range all {
			if c.name == args[0] {
				root.AddCommand(c.grouped())
				return
			}
		}
	}
	for _, c := range all {
		root.AddCommand(c.grouped())
	}
}

// Execute runs one command line with the given dependencies: ciamctl's
// main path, and the demo's steps in process.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) error {
	// Released when the command returns: the --timeout deadline hangs off
	// it. Ctrl-C and SIGTERM cancel it with ErrInterrupted.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if _, nested := cmdutil.InterruptsFrom(ctx); !nested { // the demo's steps: the demo listens
		fc := *f // the factory is the caller's; its HTTP client gets a hook
		f = &fc
		cmd := NewCmdRootFor(f, args)
		c, _, err := cmd.Find(args)
		windDown := err == nil && cmdutil.WantsSignals(c)
		var intr *cmdutil.Interrupts
		intr, ctx = cmdutil.NewInterrupts(ctx, cancel, f.IOStreams, windDown)
		defer intr.Stop()
		f.WatchInterrupts(intr)
		if windDown {
			intr.Listen()
		}
		err = run(ctx, cmd, f, args)
		if err != nil && intr.Fired() {
			return intr.Err() // not whatever the cancelled work reported
		}
		return err
	}
	return run(ctx, NewCmdRootFor(f, args), f, args)
}

func run(ctx context.Context, cmd *cobra.Command, f *cmdutil.Factory, args []string) error {
	cmd.SetArgs(args)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	return cmd.ExecuteContext(ctx)
}
