// Package completioncmd implements `ciamctl completion SHELL`.
package completioncmd

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// Shells that ciamctl generates completion scripts for.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// NewCmdCompletion builds `ciamctl completion`.
func NewCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the completion script for a shell. Packages install these for you; to load
them by hand:

  bash:        source <(ciamctl completion bash)
  zsh:         ciamctl completion zsh > "${fpath[1]}/_ciamctl"
  fish:        ciamctl completion fish > ~/.config/fish/completions/ciamctl.fish
  powershell:  ciamctl completion powershell | Out-String | Invoke-Expression`,
		Example:   "  ciamctl completion bash > /etc/bash_completion.d/ciamctl",
		ValidArgs: Shells,
		Args:      cmdutil.ExactArgs(1, "shell (bash, zsh, fish or powershell)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Generate(cmd.Root(), args[0], f.IOStreams.Out)
		},
	}
}

// Generate writes the completion script for shell.
func Generate(root *cobra.Command, shell string, w io.Writer) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return cmdutil.FlagErrorf("unknown shell %q; use bash, zsh, fish or powershell", shell)
}

// FileName is the name of a shell's script under completions/.
func FileName(shell string) string {
	ext := map[string]string{"bash": "bash", "zsh": "zsh", "fish": "fish", "powershell": "ps1"}[shell]
	return "ciamctl." + ext
}
