package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// Output formats of -o.
const (
	FormatText = "text"
	FormatJSON = "json"
	FormatYAML = "yaml"
)

// ValidateFormat checks an -o value.
func ValidateFormat(f string) error {
	switch f {
	case FormatText, FormatJSON, FormatYAML:
		return nil
	}
	return FlagErrorf("--output: %q is not a format; use text, json or yaml", f)
}

// WriteJSON writes v as indented JSON with a trailing newline. encoding/json
// escapes C0 controls but leaves DEL, C1 controls and bidi overrides raw;
// iostreams.SafeJSON escapes those too, so a claim cannot drive the terminal
// that -o json is printed on (the values decode the same).
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(iostreams.SafeJSON(buf.Bytes()))
	return err
}

// WriteYAML writes v as YAML with the same field names and order as its JSON
// form: it goes through JSON, which YAML parses, keeping key order.
func WriteYAML(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	var node yaml.Node
	// YAML refuses raw DEL and C1 controls in its input; as JSON escapes
	// they parse, and the emitter writes them escaped again.
	if err := yaml.Unmarshal(iostreams.SafeJSON(buf.Bytes()), &node); err != nil {
		return fmt.Errorf("render yaml: %w", err)
	}
	blockStyle(&node)
	var out bytes.Buffer
	ye := yaml.NewEncoder(&out)
	ye.SetIndent(2)
	if err := ye.Encode(&node); err != nil {
		return err
	}
	if err := ye.Close(); err != nil {
		return err
	}
	// The emitter escapes controls itself but writes bidi overrides raw;
	// blockStyle double-quoted every scalar holding one, where \u202e is
	// an escape YAML reads back as the same character.
	_, err := w.Write(iostreams.SafeJSON(out.Bytes()))
	return err
}

// blockStyle drops the JSON flow style and quoting so the YAML reads naturally.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && iostreams.SafeLines(n.Value) != n.Value {
		n.Style = yaml.DoubleQuotedStyle // escapes stay escapes (see WriteYAML)
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			n.Style = yaml.FlowStyle // keep [] and {} readable
		}
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// WriteStructured writes v as JSON or YAML per format.
func WriteStructured(w io.Writer, format string, v any) error {
	if format == FormatYAML {
		return WriteYAML(w, v)
	}
	return WriteJSON(w, v)
}
