package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
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

// WriteJSON writes v as indented JSON with a trailing newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
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
	if err := yaml.Unmarshal(buf.Bytes(), &node); err != nil {
		return fmt.Errorf("render yaml: %w", err)
	}
	blockStyle(&node)
	ye := yaml.NewEncoder(w)
	ye.SetIndent(2)
	if err := ye.Encode(&node); err != nil {
		return err
	}
	return ye.Close()
}

// blockStyle drops the JSON flow style and quoting so the YAML reads naturally.
func blockStyle(n *yaml.Node) {
	n.Style = 0
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
