// Package quietinit keeps package initialisation from talking to the
// terminal.
//
// bubbletea v1 (under huh, the form library) asks the terminal for its
// background colour from a package init function (tea_init.go): it writes
// an OSC 11 query and a cursor-position request to stdout and, when nothing
// answers (script, docker run -t, CI on a pseudo-terminal), waits termenv's
// 5 s OSCTimeout. That happens before main in every run of every command.
// There is no opt-out; bubbletea v2 drops the init, but huh v1 needs v1.
//
// termenv asks nothing when the environment variable CI is set (it takes CI
// to mean "not a terminal"). So this package's init sets CI for the span of
// package initialisation, and Release, called from an init that runs after
// bubbletea's (cmdutil's: cmdutil imports huh), unsets it again. Go
// initialises packages in import-path order among those whose imports are
// done; this package imports nothing but os, so it always runs before
// github.com/muesli/termenv (which imports os and sorts after
// github.com/ciamctl), and so before lipgloss and bubbletea, which need
// termenv. It must keep importing nothing else: a dependency that sorts
// after termenv would let bubbletea run first. cmd/ciamctl's
// TestNoTerminalQueries runs the binary on a terminal that never answers.
//
// A form asks for the colour itself, when it is about to be shown
// (cmdutil.RunForm).
package quietinit

import "os"

// set records that hush set CI, and prev what CI was before (it may have
// been set but empty, which termenv does not count), so Release restores
// exactly that.
var (
	set     bool
	prev    string
	hadPrev bool
)

func init() { hush() }

func hush() {
	prev, hadPrev = os.LookupEnv("CI")
	if prev != "" {
		return // termenv already asks nothing
	}
	set = os.Setenv("CI", "1") == nil
}

// Release restores the environment as the process found it. It is safe to
// call more than once.
func Release() {
	if !set {
		return
	}
	set = false
	if hadPrev {
		_ = os.Setenv("CI", prev)
		return
	}
	_ = os.Unsetenv("CI")
}
