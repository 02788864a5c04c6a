package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// strictHelp makes `ciamctl help TOPIC` a usage error (exit 2) when TOPIC
// names no command: cobra's help command prints "Unknown help topic" and
// the root's usage, and exits 0, which hides a typo in a script. It keeps
// cobra's help command (its text and completion), checking the topic first.
func strictHelp(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	var help *cobra.Command
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			help = c
		}
	}
	if help == nil || help.Run == nil {
		return
	}
	show := help.Run
	help.Run = nil
	help.RunE = func(c *cobra.Command, args []string) error {
		cmd, rest, err := c.Root().Find(args)
		if err != nil || cmd == nil || len(rest) > 0 {
			return unknownTopic(c.Root(), cmd, args, rest)
		}
		show(c, args)
		return nil
	}
}

func unknownTopic(root, found *cobra.Command, args, rest []string) error {
	if found == nil {
		found = root
	}
	word := strings.Join(args, " ")
	if len(rest) > 0 {
		word = rest[0]
	}
	if found.SuggestionsMinimumDistance <= 0 {
		found.SuggestionsMinimumDistance = 2
	}
	msg := "help: no command " + found.CommandPath() + " " + word
	if s := found.SuggestionsFor(word); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return cmdutil.WithHint(cmdutil.FlagErrorf("%s", msg), "run `%s --help` to see its commands", found.CommandPath())
}
