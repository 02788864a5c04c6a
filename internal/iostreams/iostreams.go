// Package iostreams is the one place that knows about the process's streams:
// whether they are terminals and whether colour is wanted. Nothing else asks the OS.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams carries stdin/stdout/stderr and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	colorOut bool
	colorErr bool
}

// System wraps the process's real streams. Terminal checks are single ioctl
// calls; colour is on only for a terminal and never with NO_COLOR set.
func System(getenv func(string) string) *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.stdinTTY = isTerminal(os.Stdin)
	s.stdoutTTY = isTerminal(os.Stdout)
	s.stderrTTY = isTerminal(os.Stderr)
	noColor := getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
	s.colorOut = s.stdoutTTY && !noColor
	s.colorErr = s.stderrTTY && !noColor
	return s
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Test returns streams backed by buffers: no terminal, no colour.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetTTY lets tests pretend the streams are terminals.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// CanPrompt is true only when a person can answer: stdin and stdout are
// terminals. An idle pipe is not a user.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// SetColorEnabled forces colour on or off for both output streams.
func (s *IOStreams) SetColorEnabled(on bool) { s.colorOut, s.colorErr = on, on }

// DisableColor turns colour off (--no-color).
func (s *IOStreams) DisableColor() { s.SetColorEnabled(false) }

// ColorEnabled reports whether stdout gets colour.
func (s *IOStreams) ColorEnabled() bool { return s.colorOut }

// ColorScheme colours text written to stdout.
func (s *IOStreams) ColorScheme() *ColorScheme { return newColorScheme(s.colorOut) }

// ErrColorScheme colours text written to stderr; decided separately because
// only one of the two streams may be redirected.
func (s *IOStreams) ErrColorScheme() *ColorScheme { return newColorScheme(s.colorErr) }
