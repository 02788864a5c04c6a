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

	quiet bool
}

// System wraps the process's real streams. Terminal checks are single ioctl
// calls; colour follows ColorWanted for each output stream.
func System(getenv func(string) string) *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.stdinTTY = isTerminal(os.Stdin)
	s.stdoutTTY = isTerminal(os.Stdout)
	s.stderrTTY = isTerminal(os.Stderr)
	s.colorOut = ColorWanted(getenv, s.stdoutTTY)
	s.colorErr = ColorWanted(getenv, s.stderrTTY)
	return s
}

// ColorWanted decides colour for a stream from the environment, as gh
// does: CLICOLOR_FORCE (or FORCE_COLOR, as Node tools and many others
// spell it) set to anything but "0" forces it on, even when the stream is
// not a terminal and even with NO_COLOR set; otherwise NO_COLOR (any
// value), CLICOLOR=0 or TERM=dumb turn it off; otherwise a terminal gets
// colour. The --no-color flag, on the command line, beats them all (the
// root command applies it after this).
func ColorWanted(getenv func(string) string, tty bool) bool {
	if forced(getenv("CLICOLOR_FORCE")) || forced(getenv("FORCE_COLOR")) {
		return true
	}
	if getenv("NO_COLOR") != "" || getenv("CLICOLOR") == "0" || getenv("TERM") == "dumb" {
		return false
	}
	return tty
}

func forced(v string) bool { return v != "" && v != "0" }

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

// SetQuiet asks for problems and errors only (-q): commands leave out what
// they print when all is well, and there is no spinner.
func (s *IOStreams) SetQuiet(on bool) { s.quiet = on }

// Quiet reports whether -q is in effect.
func (s *IOStreams) Quiet() bool { return s.quiet }

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
