package cmdutil

import "strings"

// ShellQuote renders s as one POSIX shell word: as it is when it holds only
// characters no shell treats specially, else in single quotes. Commands
// ciamctl prints for people to run (the step 2 of an identifier change, the
// sandbox's exports) go through it, so a value taken from a token cannot
// split or extend the command.
func ShellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@+=,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
