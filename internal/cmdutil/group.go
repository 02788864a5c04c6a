package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// GroupRunE is the RunE of a command that only groups subcommands: alone it
// shows help; with an unknown subcommand it is a usage error (cobra would
// otherwise print help and exit 0, which hides typos in CI).
func GroupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return WithHint(FlagErrorf("%s", msg), "run `%s --help` to see its commands", cmd.CommandPath())
}

// ExactArgs is cobra.ExactArgs as a usage error naming what is missing.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return FlagErrorf("missing %s: usage: %s", what, cmd.UseLine())
		case len(args) > n:
			return FlagErrorf("too many arguments (%s); usage: %s", strings.Join(args[n:], " "), cmd.UseLine())
		}
		return nil
	}
}

// MaximumArgs is cobra.MaximumNArgs as a usage error.
func MaximumArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return FlagErrorf("too many arguments (%s); usage: %s", strings.Join(args[n:], " "), cmd.UseLine())
		}
		return nil
	}
}

// MinimumArgs is cobra.MinimumNArgs as a usage error naming what is missing.
func MinimumArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("missing %s: usage: %s", what, cmd.UseLine())
		}
		return nil
	}
}

// NoArgs is cobra.NoArgs as a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected argument %q; usage: %s", args[0], cmd.UseLine())
	}
	return nil
}

// annotationSignals marks a command that winds down on Ctrl-C or SIGTERM
// through its context instead of ending at once.
const annotationSignals = "ciamctl/signals"

// HandleSignals marks cmd (and the commands under it) as one whose context
// Ctrl-C and SIGTERM cancel.
func HandleSignals(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annotationSignals] = "true"
	return cmd
}

// WantsSignals reports whether cmd or a parent was marked by HandleSignals.
func WantsSignals(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[annotationSignals] != "" {
			return true
		}
	}
	return false
}
