package iostreams

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Table lays out rows in columns aligned by display width: colour escape
// sequences take no room and wide characters (CJK, most emoji) take two
// cells, so colour never shifts a column (text/tabwriter counts bytes of
// escapes and runes, not cells). Every listing prints through it, as gh's
// tableprinter does.
//
// Cells are printed as given: escape untrusted values with SafeText before
// colouring them. A row may end early; the table's last column, and the
// last cell of every row, are not padded.
type Table struct {
	// Indent starts every line.
	Indent string
	// Gap is the number of spaces between columns (default 2).
	Gap int

	rows [][]string
}

// NewTable returns an empty table with a gap of two spaces.
func NewTable() *Table { return &Table{Gap: 2} }

// Row adds a row; rows may have different numbers of cells.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Len is the number of rows added.
func (t *Table) Len() int { return len(t.rows) }

// Render writes the table to w.
func (t *Table) Render(w io.Writer) error {
	cols := 0
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	widths := make([]int, cols) // the last column's stays unused: it is not padded
	for _, r := range t.rows {
		for i, c := range r {
			if i < cols-1 {
				widths[i] = max(widths[i], ansi.StringWidth(c))
			}
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(t.Indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+t.Gap))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// DisplayWidth is the number of terminal cells s takes, escape sequences
// excluded.
func DisplayWidth(s string) int { return ansi.StringWidth(s) }
