package brandcmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// writeResult is -o json/yaml of the commands that write a brand file.
type writeResult struct {
	Brand   string              `json:"brand"`
	File    string              `json:"file"`
	Result  string              `json:"result"` // created, updated, replaced, unchanged
	Changes []brand.FieldChange `json:"changes,omitempty"`
}

// writeChanges prints field changes one a line: + added, ~ changed, - removed.
// Values come from files and flags, so they are escaped.
func writeChanges(w io.Writer, cs *iostreams.ColorScheme, changes []brand.FieldChange) {
	safe := iostreams.SafeText
	for _, c := range changes {
		switch {
		case c.From == "":
			fmt.Fprintf(w, "  %s %s: %s\n", cs.Green("+"), c.Field, safe(c.To))
		case c.To == "":
			fmt.Fprintf(w, "  %s %s (was %s)\n", cs.Red("-"), c.Field, safe(c.From))
		default:
			fmt.Fprintf(w, "  %s %s: %s → %s\n", cs.Yellow("~"), c.Field, safe(c.From), safe(c.To))
		}
	}
}

// resultProblems refuses an edit that leaves the brand file with errors it
// did not have before; errors already there do not block changing other
// fields.
func resultProblems(path string, before, after []byte) error {
	old := map[string]bool{}
	for _, p := range brand.CheckFile(path, before).Problems {
		if p.Severity == brand.SeverityError {
			old[p.Field+"\x00"+p.Message] = true
		}
	}
	var msgs []string
	for _, p := range brand.CheckFile(path, after).Problems {
		if p.Severity == brand.SeverityError && !old[p.Field+"\x00"+p.Message] {
			msgs = append(msgs, p.Message)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	// The values given are at fault: a usage error, as a bad flag value is.
	return cmdutil.FlagErrorf("the change would make %s invalid: %s; nothing was written", path, strings.Join(msgs, "; "))
}
