// Package democmd implements `ciamctl demo`: the whole journey from brand
// registration to a customer in Member Care, against an in-process sandbox.
package democmd

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/sandbox"
)

// Runner executes one ciamctl command line with the given dependencies. The
// root command passes itself, so the demo runs the real commands.
type Runner func(ctx context.Context, f *cmdutil.Factory, args []string) error

// Options holds the dependencies and flags of `demo`.
type Options struct {
	Factory *cmdutil.Factory
	Run     Runner
	User    string
	Keep    bool
}

// NewCmdDemo builds `ciamctl demo`.
func NewCmdDemo(f *cmdutil.Factory, runner Runner, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f, Run: runner}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole journey against an in-process sandbox",
		Long: `Walk through wiring a brand's CIAM to the platform, end to end, with the real
commands against emulators running inside this process: no account, no network,
nothing outside a temporary workspace is touched.

  1. register the brand by OpenID Connect discovery     (brand add --discover)
  2. check it against the live CIAM                     (config validate --online)
  3. create the org's OAUTH_EXTERNAL channel account    (channel link)
  4. a user registered in the CIAM signs in             (token fetch)
  5. verify the token as the gateway will               (token verify)
  6. see the customer the token maps to                 (mapping dry-run)
  7. pre-flight every CIAM user: failures and merges    (mapping dry-run --batch)
  8. log in through the gateway: the customer is created (flow login --apply)
  9. find the customer by the CIAM's user ID            (customer lookup)
 10. register extra data under INSTORE: it merges into the same customer
                                                        (customer register)
 11. profile update: a new name in the CIAM, sign in and log in again: the
     platform follows
 12. identifier change in two steps: the CIAM, then the platform
                                                        (customer change-identifier)
 13. log out: end the CIAM session, revoke the tokens   (flow logout)

Each step prints the command it runs, so you can repeat it against 'ciamctl
sandbox' or a real CIAM.`,
		Example: `  ciamctl demo
  ciamctl demo --user bob
  ciamctl demo --keep      # keep the workspace to look at the brand file`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.Globals.Output != cmdutil.FormatText {
				return cmdutil.FlagErrorf("demo prints a walkthrough for people; -o %s is not supported", f.Globals.Output)
			}
			if err := checkUser(opts.User); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.User, "user", "alice", "seeded CIAM user who signs in: alice or bob")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the temporary workspace and print where it is")
	_ = cmd.RegisterFlagCompletionFunc("user", cobra.FixedCompletions([]string{"alice", "bob"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// checkUser refuses a --user the sandbox does not seed before step 1,
// rather than at the sign-in step after three steps of output.
func checkUser(name string) error {
	var names []string
	for _, u := range ciamemu.DefaultUsers() {
		if u.Username == name {
			return nil
		}
		names = append(names, u.Username)
	}
	return cmdutil.FlagErrorf("--user %q: the sandbox seeds only %s", name, strings.Join(names, " and "))
}

func run(ctx context.Context, opts *Options) error {
	f := opts.Factory
	dir, err := os.MkdirTemp("", "ciamctl-demo-")
	if err != nil {
		return fmt.Errorf("creating the demo workspace: %w", err)
	}
	if opts.Keep {
		fmt.Fprintf(f.IOStreams.ErrOut, "workspace kept in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	stop := f.IOStreams.StartProgress("starting the sandbox")
	sb, err := sandbox.Start(sandbox.Options{ClientID: "acme-loyalty", Now: f.Now})
	stop()
	if err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer sb.Close()

	j := &journey{opts: opts, f: f, sb: sb, dir: dir, brand: "acme"}
	return j.walk(ctx)
}

// childFactory gives each demo command fresh global flags and an environment
// that points at the sandbox and the temporary workspace, on top of the
// caller's.
func childFactory(f *cmdutil.Factory, env map[string]string) *cmdutil.Factory {
	c := *f
	c.Globals = &cmdutil.Globals{}
	c.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return f.Getenv(k)
	}
	return &c
}

// displayArgs renders a command line for people, with each token replaced by
// its variable: tokens are credentials and too long to read anyway.
func displayArgs(args []string, secrets map[string]string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if v, ok := secrets[a]; ok && a != "" {
			out[i] = v
			continue
		}
		switch {
		case strings.ContainsAny(a, " \t\"'$*?") || a == "":
			out[i] = "'" + a + "'"
		default:
			out[i] = a
		}
	}
	return "ciamctl " + strings.Join(out, " ")
}
