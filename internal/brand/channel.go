package brand

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// SetChannel records the channel account in a brand file's bytes and returns
// the new bytes. It edits the file through its yaml.v3 node tree and writes
// back only the lines it changes, so comments, key order, blank lines and the
// alignment of trailing comments stay exactly as the user wrote them. When
// the file already records these values, data is returned unchanged (the
// same bytes), so a repeated `channel link` writes nothing.
//
// An existing block-style `channel:` section is edited in place (each key's
// line keeps its indentation and trailing comment; missing keys are added
// after the last one); a file without one gets the section appended at the
// end. Layouts that line editing cannot handle safely (a flow-style or empty
// channel section, a value spanning several lines) are re-encoded from the
// node tree instead, which still keeps comments and key order.
// An empty AccountName leaves any recorded name alone.
func SetChannel(data []byte, ch Channel) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("reading brand file: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("brand file is empty; expected a BrandConfig mapping")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("brand file is not a mapping of keys to values")
	}
	want := channelPairs(ch)

	key, val := mappingEntry(root, "channel")
	var out []byte
	var err error
	switch {
	case key == nil && root.Style&yaml.FlowStyle == 0:
		out, err = appendChannel(data, root, want)
	case key != nil && val.Kind == yaml.MappingNode && val.Style&yaml.FlowStyle == 0 && len(val.Content) > 0:
		out, err = editChannel(data, val, want)
	default:
		err = errNeedsReencode
	}
	if err == nil && readsBack(data, out, ch) != nil {
		err = errNeedsReencode // e.g. a quoted value continued on the next line
	}
	if errors.Is(err, errNeedsReencode) {
		if out, err = reencodeChannel(&doc, root, want); err == nil {
			err = readsBack(data, out, ch)
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readsBack checks that the edited file says what we meant and is no less
// valid than before; a failure is a bug here, not a user error.
func readsBack(before, after []byte, ch Channel) error {
	got, _, problems := Decode(after)
	if HasErrors(problems) {
		if _, _, old := Decode(before); !HasErrors(old) {
			return fmt.Errorf("recording the channel would break the brand file: %s", problems[0].Message)
		}
	}
	if got.Channel == nil || got.Channel.Source != ch.Source || got.Channel.AccountID != ch.AccountID ||
		(ch.AccountName != "" && got.Channel.AccountName != ch.AccountName) {
		return errors.New("recording the channel in the brand file failed: the edited file does not read back the same values")
	}
	return nil
}

var errNeedsReencode = errors.New("layout needs re-encoding")

type kv struct{ key, value string }

func channelPairs(ch Channel) []kv {
	pairs := []kv{{"source", ch.Source}, {"accountId", ch.AccountID}}
	if ch.AccountName != "" {
		pairs = append(pairs, kv{"accountName", ch.AccountName})
	}
	return pairs
}

// mappingEntry finds key in a mapping node (the last one, as a duplicate key
// is reported by validation anyway).
func mappingEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			k, v = m.Content[i], m.Content[i+1]
		}
	}
	return k, v
}

// scalarText renders a string as a one-line YAML scalar: plain when that
// reads back as the same string, else double-quoted.
func scalarText(s string) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}); err == nil {
		_ = enc.Close()
		if t := strings.TrimSuffix(buf.String(), "\n"); !strings.Contains(t, "\n") && !strings.HasPrefix(t, "|") && !strings.HasPrefix(t, ">") {
			return t
		}
	}
	q, _ := json.Marshal(s) // a JSON string is a valid YAML double-quoted scalar
	return string(q)
}

// lines splits data keeping each line's terminator, so untouched lines are
// written back byte for byte.
func lines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.SplitAfter(string(data), "\n")
}

func newline(data []byte) string {
	if bytes.Contains(data, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// childIndent is the indentation the file uses for nested keys (2 when it
// has no nested block mapping to learn from).
func childIndent(root *yaml.Node) int {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column > k.Column {
			return v.Content[0].Column - k.Column
		}
	}
	return 2
}

func appendChannel(data []byte, root *yaml.Node, want []kv) ([]byte, error) {
	if len(root.Content) == 0 {
		return nil, errNeedsReencode
	}
	nl := newline(data)
	indent := strings.Repeat(" ", root.Content[0].Column-1+childIndent(root))
	var b strings.Builder
	b.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		b.WriteString(nl)
	}
	b.WriteString(strings.Repeat(" ", root.Content[0].Column-1) + "channel:" + nl)
	for _, p := range want {
		b.WriteString(indent + p.key + ": " + scalarText(p.value) + nl)
	}
	return []byte(b.String()), nil
}

// editChannel rewrites the lines of the keys whose values differ and adds the
// missing keys after the section's last line.
func editChannel(data []byte, section *yaml.Node, want []kv) ([]byte, error) {
	ls := lines(data)
	nl := newline(data)
	lastLine := 0
	for i := 0; i+1 < len(section.Content); i += 2 {
		k, v := section.Content[i], section.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Line != k.Line || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return nil, errNeedsReencode
		}
		lastLine = max(lastLine, v.Line)
	}
	var missing []kv
	for _, p := range want {
		k, v := mappingEntry(section, p.key)
		if k == nil {
			missing = append(missing, p)
			continue
		}
		if v.Value == p.value && v.Tag == "!!str" {
			continue
		}
		line := ls[v.Line-1]
		body := strings.TrimRight(line, "\r\n")
		runes := []rune(body)
		if v.Column-1 > len(runes) {
			return nil, errNeedsReencode
		}
		head := string(runes[:v.Column-1])
		tail := ""
		if c := v.LineComment; c != "" {
			if i := strings.LastIndex(body, c); i >= len(head) {
				j := i
				for j > len(head) && (body[j-1] == ' ' || body[j-1] == '\t') {
					j--
				}
				tail = body[j:]
			} else {
				tail = " " + c
			}
		}
		ls[v.Line-1] = head + scalarText(p.value) + tail + line[len(body):]
	}
	if len(missing) > 0 {
		indent := strings.Repeat(" ", section.Content[0].Column-1)
		var add strings.Builder
		if !strings.HasSuffix(ls[lastLine-1], "\n") {
			ls[lastLine-1] += nl
		}
		for _, p := range missing {
			add.WriteString(indent + p.key + ": " + scalarText(p.value) + nl)
		}
		ls = append(ls[:lastLine], append([]string{add.String()}, ls[lastLine:]...)...)
	}
	return []byte(strings.Join(ls, "")), nil
}

// reencodeChannel sets the values in the node tree and encodes the whole
// document again: comments and key order survive, spacing may not.
func reencodeChannel(doc, root *yaml.Node, want []kv) ([]byte, error) {
	_, val := mappingEntry(root, "channel")
	if val == nil {
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "channel"},
			&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		val = root.Content[len(root.Content)-1]
	}
	if val.Kind != yaml.MappingNode {
		*val = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: val.HeadComment, LineComment: val.LineComment, FootComment: val.FootComment}
	}
	val.Style &^= yaml.FlowStyle
	for _, p := range want {
		if _, v := mappingEntry(val, p.key); v != nil {
			*v = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.value, LineComment: v.LineComment, HeadComment: v.HeadComment, FootComment: v.FootComment}
			continue
		}
		val.Content = append(val.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.value})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(childIndent(root))
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding brand file: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding brand file: %w", err)
	}
	return buf.Bytes(), nil
}
