package cmdutil

import (
	"fmt"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// ProblemLine renders a problem as file:line:col: severity: message, the
// severity coloured when the scheme is on. Messages echo the file's content,
// so file and message go through iostreams.SafeText.
func ProblemLine(cs *iostreams.ColorScheme, p brand.Problem) string {
	sev := cs.Yellow(string(p.Severity))
	if p.Severity == brand.SeverityError {
		sev = cs.Red(string(p.Severity))
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", iostreams.SafeText(p.File), p.Line, p.Column, sev, iostreams.SafeText(p.Message))
}

// Plural returns word, with an "s" unless n is 1.
func Plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// FormatFlag resolves a command's own --format: when unset it follows -o,
// else it falls back to def.
func FormatFlag(format string, g *Globals, def string, allowed ...string) (string, error) {
	if format == "" {
		format = def
		if g.Output != FormatText {
			format = g.Output
		}
	}
	for _, a := range allowed {
		if format == a {
			return format, nil
		}
	}
	return "", FlagErrorf("--format: %q is not a format; use %s", format, joinOr(allowed))
}

func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := words[0]
	for _, w := range words[1 : len(words)-1] {
		out += ", " + w
	}
	return out + " or " + words[len(words)-1]
}
