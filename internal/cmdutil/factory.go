// Package cmdutil holds what every command shares: its dependencies, the
// global options, usage errors and output formatting.
package cmdutil

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// Globals are the root command's persistent flags.
type Globals struct {
	Output  string
	NoColor bool
	NoInput bool
	Dir     string
	Timeout time.Duration
	Debug   bool
}

// Factory hands commands their dependencies, so tests can replace every one.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	Getenv     func(string) string
	Now        func() time.Time
	HTTPClient func() *http.Client
	// Sleep waits between platform retries (nil: a real, context-aware
	// timer); tests pass one that moves their clock instead.
	Sleep   func(ctx context.Context, d time.Duration) error
	Globals *Globals
	// DebugOut receives --debug traces (nil without --debug). Requests run
	// concurrently, so it serialises writes: a trace line is never split.
	DebugOut io.Writer
	// Browser opens a URL in the user's browser (token fetch's sign-in);
	// tests replace it with an HTTP client that plays the browser.
	Browser func(url string) error
	// NetBudget is the command's --timeout as a budget of network time,
	// set when the command starts (StartDeadline); nil before.
	NetBudget *deadline.Budget
}

// Workspace resolves the brand workspace from --dir and the environment.
func (f *Factory) Workspace() *workspace.Store {
	return workspace.Resolve(f.Globals.Dir, f.Getenv)
}

// CanPrompt is true when a form may be shown: a person at a terminal who did
// not pass --no-input.
func (f *Factory) CanPrompt() bool {
	return !f.Globals.NoInput && f.IOStreams.CanPrompt()
}

// Accessible reports whether forms should use huh's accessible mode (plain
// line prompts that screen readers can follow).
func (f *Factory) Accessible() bool {
	return f.Getenv("CIAMCTL_ACCESSIBLE") != "" || f.Getenv("ACCESSIBLE") != ""
}
