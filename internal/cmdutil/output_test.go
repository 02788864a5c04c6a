package cmdutil

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// -o json and -o yaml leave no character a terminal acts on raw (encoding/json
// escapes C0 but not DEL, C1 or bidi overrides), and still decode to the
// same values. Before, -o yaml failed outright on a DEL or C1 character.
func TestStructuredOutputEscapesControls(t *testing.T) {
	v := map[string]string{
		"esc": "x\x1b[2K\r✓ verified", "csi": "c1\u009b31m", "del": "a\x7fb", "bidi": "user-\u202egnp.exe",
		"nel": "n\u0085l", "plain": "Zoë", "multi": "line one\nline two",
	}
	for _, format := range []string{FormatJSON, FormatYAML} {
		var b bytes.Buffer
		if err := WriteStructured(&b, format, v); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		out := b.String()
		for _, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e {
				t.Errorf("%s: raw %U in\n%s", format, r, out)
			}
		}
		back := map[string]string{}
		var err error
		if format == FormatJSON {
			err = json.Unmarshal(b.Bytes(), &back)
		} else {
			err = yaml.Unmarshal(b.Bytes(), &back)
		}
		if err != nil {
			t.Fatalf("%s does not decode: %v\n%s", format, err, out)
		}
		for k, want := range v {
			if back[k] != want {
				t.Errorf("%s: %s decodes to %q, want %q", format, k, back[k], want)
			}
		}
		if !strings.Contains(out, "Zoë") {
			t.Errorf("%s: plain text was escaped:\n%s", format, out)
		}
	}
}

// A platform warning's message is the platform's text: what a terminal would act on is escaped, never printed.
func TestWriteIntouchWarningsEscapes(t *testing.T) {
	var b strings.Builder
	ios, _, _, _ := iostreams.Test()
	cs := ios.ColorScheme()
	WriteIntouchWarnings(&b, cs, []intouch.Item{{Code: 8050, Message: "Same Customer\x1b[2J found\u202e"}})
	if strings.ContainsAny(b.String(), "\x1b\u202e") || !strings.Contains(b.String(), "platform warning 8050: Same Customer") {
		t.Errorf("%q", b.String())
	}
}
