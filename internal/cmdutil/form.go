package cmdutil

import (
	"context"
	"errors"
	"sync"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ciamctl/ciamctl/internal/quietinit"
)

// cmdutil imports huh, so this init runs after bubbletea's: from here on
// the environment is the user's again (see package quietinit).
func init() { quietinit.Release() }

// RunForm shows form on the terminal, reading f's stdin and drawing on its
// stderr, in accessible mode when asked for. Ctrl-C or Esc is
// ErrCancelled.
func RunForm(ctx context.Context, f *Factory, form *huh.Form) error {
	prepareFormTerminal(f)
	err := form.
		WithInput(f.IOStreams.In).
		WithOutput(f.IOStreams.ErrOut).
		WithAccessible(f.Accessible()).
		RunWithContext(ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return ErrCancelled
	}
	return err
}

var formTerminal sync.Once

// prepareFormTerminal settles the form's colours before it is drawn: with
// colour off (NO_COLOR, --no-color) none at all and no question to the
// terminal; otherwise the terminal is asked for its background colour now,
// while nothing else reads its answers (bubbletea v1 asked at package
// init, for every command; the answer would otherwise arrive as keystrokes
// in the form). A terminal that does not answer costs termenv's OSC
// timeout here, with a form on screen, and nowhere else.
func prepareFormTerminal(f *Factory) {
	formTerminal.Do(func() {
		if !f.IOStreams.ColorEnabled() {
			lipgloss.SetColorProfile(termenv.Ascii)
			lipgloss.SetHasDarkBackground(true)
			return
		}
		lipgloss.SetHasDarkBackground(lipgloss.DefaultRenderer().Output().HasDarkBackground())
	})
}
