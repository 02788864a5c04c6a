package iostreams

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Colour and wide characters do not shift columns: with colour stripped the
// coloured table is the plain one, and every column starts at the same
// display offset on every line.
func TestTableAlignsByDisplayWidth(t *testing.T) {
	render := func(cs *ColorScheme) string {
		tb := NewTable()
		tb.Row(cs.Bold("BRAND"), cs.Bold("PROVIDER"), cs.Bold("STATUS"))
		tb.Row("acme", cs.Cyan("auth0"), cs.Green("ok"))
		tb.Row("日本", "Zoë 🙂", cs.Red("invalid (2 errors)"))
		tb.Row("x", "-", cs.Yellow("ok (1 warning)"))
		var b strings.Builder
		if err := tb.Render(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	plain, colored := render(newColorScheme(false)), render(newColorScheme(true))
	if !strings.Contains(colored, "\x1b[") {
		t.Fatal("no colour in the coloured table")
	}
	if got := ansi.Strip(colored); got != plain {
		t.Errorf("colour moved the columns:\n%s\nwant\n%s", got, plain)
	}
	want := "" +
		"BRAND  PROVIDER  STATUS\n" +
		"acme   auth0     ok\n" +
		"日本   Zoë 🙂    invalid (2 errors)\n" +
		"x      -         ok (1 warning)\n"
	if plain != want {
		t.Errorf("table:\n%s\nwant\n%s", plain, want)
	}
}

func TestTableIndentGapAndRaggedRows(t *testing.T) {
	tb := NewTable()
	tb.Indent, tb.Gap = "  ", 1
	tb.Row("field", "ID token", "userinfo")
	tb.Row("email", "a@example.com")
	tb.Row("mobile")
	var b strings.Builder
	_ = tb.Render(&b)
	want := "  field  ID token      userinfo\n  email  a@example.com\n  mobile\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
