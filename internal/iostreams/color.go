package iostreams

import "github.com/fatih/color"

// ColorScheme paints strings when colour is on and returns them unchanged
// otherwise. fatih/color decides colour once at init from stdout alone, so every
// colour here is forced on or off explicitly per stream.
type ColorScheme struct {
	enabled bool
	red     *color.Color
	green   *color.Color
	yellow  *color.Color
	cyan    *color.Color
	gray    *color.Color
	bold    *color.Color
}

func newColorScheme(enabled bool) *ColorScheme {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &ColorScheme{
		enabled: enabled,
		red:     mk(color.FgRed),
		green:   mk(color.FgGreen),
		yellow:  mk(color.FgYellow),
		cyan:    mk(color.FgCyan),
		gray:    mk(color.FgHiBlack),
		bold:    mk(color.Bold),
	}
}

// Enabled reports whether this scheme emits escape codes.
func (c *ColorScheme) Enabled() bool { return c.enabled }

func (c *ColorScheme) Red(s string) string    { return c.red.Sprint(s) }
func (c *ColorScheme) Green(s string) string  { return c.green.Sprint(s) }
func (c *ColorScheme) Yellow(s string) string { return c.yellow.Sprint(s) }
func (c *ColorScheme) Cyan(s string) string   { return c.cyan.Sprint(s) }
func (c *ColorScheme) Gray(s string) string   { return c.gray.Sprint(s) }
func (c *ColorScheme) Bold(s string) string   { return c.bold.Sprint(s) }

// SuccessIcon, WarningIcon and FailureIcon mark result lines.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }
func (c *ColorScheme) WarningIcon() string { return c.Yellow("!") }
func (c *ColorScheme) FailureIcon() string { return c.Red("✗") }
