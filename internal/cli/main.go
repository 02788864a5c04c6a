// Package cli runs ciamctl: it builds the command tree, executes it, and is
// the one place that turns an error into an exit code and an error line.
package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cli/root"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// Exit codes of the contract.
const (
	ExitOK      = 0
	ExitInvalid = 1
	ExitUsage   = 2
	ExitRemote  = 3
)

// Main runs ciamctl with the process's streams and environment.
func Main() int {
	ios := iostreams.System(os.Getenv)
	f := &cmdutil.Factory{
		IOStreams:  ios,
		Getenv:     os.Getenv,
		Now:        time.Now,
		HTTPClient: func() *http.Client { return &http.Client{} },
		Globals:    &cmdutil.Globals{},
		Browser:    cmdutil.SystemBrowser(ios.ErrOut),
	}
	return Run(context.Background(), f, os.Args[1:])
}

// Run executes one command line against the given dependencies and returns
// the exit code. Tests call it with buffers and fakes.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	err := root.Execute(ctx, f, args)
	code := ExitCode(err)
	if err != nil && !errors.Is(err, cmdutil.ErrFailed) {
		printError(f, err)
	}
	return code
}

func printError(f *cmdutil.Factory, err error) {
	cs := f.IOStreams.ErrColorScheme()
	msg := strings.TrimSpace(err.Error())
	// One line: messages from deeper layers never carry the newlines through.
	msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
	if errors.Is(err, cmdutil.ErrCancelled) {
		fmt.Fprintln(f.IOStreams.ErrOut, "cancelled")
		return
	}
	// Errors quote files, tokens and answers from remote servers: nothing in
	// them may act on the terminal.
	fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", cs.Red("error:"), iostreams.SafeText(msg))
	var he *cmdutil.HintError
	if errors.As(err, &he) && he.Hint != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", cs.Gray("hint:"), iostreams.SafeText(he.Hint))
	}
}

// NewRootForDocs builds the command tree with inert dependencies, for
// generating completion scripts and man pages.
func NewRootForDocs() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	return root.NewCmdRoot(&cmdutil.Factory{
		IOStreams:  ios,
		Getenv:     func(string) string { return "" },
		Now:        time.Now,
		HTTPClient: func() *http.Client { return &http.Client{} },
		Globals:    &cmdutil.Globals{},
		Browser:    func(string) error { return errors.New("no browser") },
	})
}
