package cmdutil

import (
	"fmt"
	"io"

	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// WriteIntouchWarnings prints every warning the platform returned, one a
// line: its code, its message (escaped: it is the platform's text) and, for
// the codes the reference documents, what it means here.
func WriteIntouchWarnings(w io.Writer, cs *iostreams.ColorScheme, items []intouch.Item) {
	for _, it := range items {
		line := fmt.Sprintf("%s platform warning %s", cs.WarningIcon(), iostreams.SafeText(it.String()))
		if m := intouch.WarningMeaning(it.Code); m != "" {
			line += cs.Gray(" (" + m + ")")
		}
		fmt.Fprintln(w, line)
	}
}
