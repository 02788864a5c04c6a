package brand

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Edit applies changes to a brand file's bytes and returns the new bytes.
// It edits the file through its yaml.v3 node tree and writes back only the
// lines it changes, so comments, key order, blank lines and the alignment of
// trailing comments stay as the user wrote them:
//   - a key that exists gets its value rewritten on its own line (the line's
//     indentation and trailing comment stay);
//   - a missing key is added after the keys that come before it in a brand
//     file (a missing section is added with it), at the indentation the file
//     uses;
//   - a removed key goes with its lines and the comment lines right above
//     it; a section left empty goes too.
//
// Layouts that line editing cannot handle safely (flow-style sections, values
// spanning several lines) are re-encoded from the node tree instead, which
// still keeps comments and key order. Either way the result is read back and
// must hold exactly the edited values, everything else unchanged. When the
// file already holds the values, data is returned unchanged.
func Edit(data []byte, changes []Change) ([]byte, error) {
	if _, err := parseRoot(data); err != nil {
		return nil, err
	}
	before, _, oldProblems := Decode(data)
	want := cloneConfig(before)
	for _, ch := range changes {
		if keyIndex(ch.Path) < 0 {
			return nil, fmt.Errorf("unknown key %s", ch.Path)
		}
		want.Apply(ch)
	}
	out := data
	var err error
	for _, ch := range changes {
		if out, err = editLines(out, ch); err != nil {
			break
		}
	}
	if err == nil {
		err = readsBackAs(out, want, oldProblems)
	}
	if err != nil && !errors.Is(err, errNeedsReencode) && !errors.Is(err, errReadBack) {
		return nil, err
	}
	if err != nil {
		if out, err = reencode(data, changes); err != nil {
			return nil, err
		}
		if err := readsBackAs(out, want, oldProblems); err != nil {
			return nil, fmt.Errorf("editing the brand file failed: %w", err)
		}
	}
	return out, nil
}

// Editable says why Edit cannot work on data (not YAML, not a mapping),
// or nil.
func Editable(data []byte) error {
	_, err := parseRoot(data)
	return err
}

var (
	errNeedsReencode = errors.New("layout needs re-encoding")
	errReadBack      = errors.New("the edited file does not read back the values set")
)

func parseRoot(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("reading brand file: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("brand file is empty; expected a BrandConfig mapping")
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("brand file is not a mapping of keys to values")
	}
	return &doc, nil
}

// readsBackAs checks that the edited file decodes to want and reads no worse
// than before (a line edit that went astray shows up here).
func readsBackAs(out []byte, want *Config, oldProblems []Problem) error {
	got, _, problems := Decode(out)
	if len(problems) > len(oldProblems) {
		return fmt.Errorf("%w (%s)", errReadBack, problems[len(problems)-1].Message)
	}
	if !reflect.DeepEqual(normalized(got), normalized(want)) {
		return errReadBack
	}
	return nil
}

func cloneConfig(c *Config) *Config {
	out := *c
	out.CIAM.Algorithms = slices.Clone(c.CIAM.Algorithms)
	if c.Channel != nil {
		ch := *c.Channel
		out.Channel = &ch
	}
	return &out
}

// normalized treats an empty channel section as none and an empty list as
// unset, as the file does.
func normalized(c *Config) *Config {
	out := cloneConfig(c)
	if out.Channel != nil && *out.Channel == (Channel{}) {
		out.Channel = nil
	}
	if len(out.CIAM.Algorithms) == 0 {
		out.CIAM.Algorithms = nil
	}
	return out
}

// editLines makes one change by editing lines, or says errNeedsReencode.
func editLines(data []byte, ch Change) ([]byte, error) {
	doc, err := parseRoot(data)
	if err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Style&yaml.FlowStyle != 0 {
		return nil, errNeedsReencode
	}
	parent, section, leaf := root, "", ch.Path
	if sec, child, nested := strings.Cut(ch.Path, "."); nested {
		section = sec
		k, v := mappingEntry(root, section)
		switch {
		case k == nil && ch.Remove:
			return data, nil
		case k == nil:
			return insertEntry(data, root, "", section, sectionText(root, child, ch))
		case !isBlockMapping(v):
			if ch.Remove && v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				return data, nil
			}
			return nil, errNeedsReencode
		}
		parent, leaf = v, child
	}
	k, v := mappingEntry(parent, leaf)
	switch {
	case k == nil && ch.Remove:
		return data, nil
	case ch.Remove:
		if parent != root && len(parent.Content) == 2 {
			sk, sv := mappingEntry(root, section)
			return removeEntry(data, sk, sv)
		}
		return removeEntry(data, k, v)
	case k == nil:
		return insertEntry(data, parent, section, leaf, entryText(leaf, ch))
	}
	return replaceValue(data, k, v, ch)
}

func isBlockMapping(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0
}

// valueText renders a change's value as it goes after "key: ".
func valueText(ch Change) string {
	if ch.List != nil {
		items := make([]string, len(ch.List))
		for i, s := range ch.List {
			items[i] = scalarText(s)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	if k := fileKeys[keyIndex(ch.Path)]; k.kind == kindNumber && isDigits(ch.Value) {
		return ch.Value
	}
	return scalarText(ch.Value)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == "" && (s == "0" || s[0] != '0')
}

func entryText(key string, ch Change) []string {
	return []string{key + ": " + valueText(ch)}
}

// sectionText is a new section holding one key, indented as the file
// indents its sections.
func sectionText(root *yaml.Node, child string, ch Change) []string {
	return []string{ch.Path[:strings.Index(ch.Path, ".")] + ":", strings.Repeat(" ", childIndent(root)) + child + ": " + valueText(ch)}
}

// lastLine is the last line a node's value reaches, as far as the node tree
// tells (block scalars and multi-line values are caught by the read-back).
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// insertEntry adds a key (text lines, relative to the parent's indentation)
// after the entries that come before it in a brand file; section is the
// parent's key ("" for the root).
func insertEntry(data []byte, parent *yaml.Node, section, key string, text []string) ([]byte, error) {
	if len(parent.Content) == 0 {
		return nil, errNeedsReencode
	}
	path := key
	if section != "" {
		path = section + "." + key
	}
	idx := keyIndex(path)
	after := -1
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if ki := keyIndex(joinPath(path, parent.Content[i].Value)); ki >= 0 && ki < idx {
			after = i
		}
	}
	ls := lines(data)
	nl := newline(data)
	indent := strings.Repeat(" ", parent.Content[0].Column-1)
	var add strings.Builder
	for _, t := range text {
		add.WriteString(indent + t + nl)
	}
	if after < 0 {
		// First in its section: above the first key and its comment lines.
		if section == "" {
			return nil, errNeedsReencode // the file's head comment may sit there
		}
		first := parent.Content[0]
		at := first.Line - commentLinesAbove(ls, first)
		if at < 1 {
			return nil, errNeedsReencode
		}
		ls = slices.Insert(ls, at-1, add.String())
		return []byte(strings.Join(ls, "")), nil
	}
	k, v := parent.Content[after], parent.Content[after+1]
	if v.Kind == yaml.ScalarNode && (v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || v.Line != k.Line) {
		return nil, errNeedsReencode
	}
	end := lastLine(v)
	if end > len(ls) {
		return nil, errNeedsReencode
	}
	if !strings.HasSuffix(ls[end-1], "\n") {
		ls[end-1] += nl
	}
	ls = slices.Insert(ls, end, add.String())
	return []byte(strings.Join(ls, "")), nil
}

// commentLinesAbove counts the lines of k's head comment when they sit
// right above it.
func commentLinesAbove(ls []string, k *yaml.Node) int {
	if k.HeadComment == "" {
		return 0
	}
	n := strings.Count(k.HeadComment, "\n") + 1
	for i := k.Line - n; i < k.Line; i++ {
		if i < 1 || !strings.HasPrefix(strings.TrimSpace(ls[i-1]), "#") {
			return 0
		}
	}
	return n
}

// joinPath is the path of sibling key beside path.
func joinPath(path, sibling string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[:i+1] + sibling
	}
	return sibling
}

// removeEntry deletes a key's lines, with the comment lines right above it.
func removeEntry(data []byte, k, v *yaml.Node) ([]byte, error) {
	if v.Kind == yaml.ScalarNode && (v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || v.Line != k.Line) {
		return nil, errNeedsReencode
	}
	if (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) && v.Style&yaml.FlowStyle != 0 && v.Line != k.Line {
		return nil, errNeedsReencode
	}
	ls := lines(data)
	end := lastLine(v)
	first := k.Line - commentLinesAbove(ls, k)
	if end > len(ls) {
		return nil, errNeedsReencode
	}
	ls = slices.Delete(ls, first-1, end)
	return []byte(strings.Join(ls, "")), nil
}

// replaceValue rewrites a key's value on its line; a block list is rewritten
// as a block list at the indentation it had.
func replaceValue(data []byte, k, v *yaml.Node, ch Change) ([]byte, error) {
	ls := lines(data)
	if ch.List != nil && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line {
		itemIndent := strings.Repeat(" ", v.Content[0].Column-3)
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode || it.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || it.Column < 3 {
				return nil, errNeedsReencode
			}
		}
		nl := newline(data)
		var b strings.Builder
		for _, s := range ch.List {
			b.WriteString(itemIndent + "- " + scalarText(s) + nl)
		}
		ls = slices.Replace(ls, v.Content[0].Line-1, lastLine(v), b.String())
		return []byte(strings.Join(ls, "")), nil
	}
	if v.Line != k.Line || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, errNeedsReencode
	}
	if v.Kind != yaml.ScalarNode && (v.Style&yaml.FlowStyle == 0 || lastLine(v) != k.Line) {
		return nil, errNeedsReencode
	}
	text := valueText(ch)
	if v.Kind == yaml.ScalarNode && text == scalarText(v.Value) && v.Tag == "!!str" {
		return data, nil
	}
	line := ls[v.Line-1]
	body := strings.TrimRight(line, "\r\n")
	runes := []rune(body)
	if v.Column-1 > len(runes) {
		return nil, errNeedsReencode
	}
	head := string(runes[:v.Column-1])
	tail := ""
	if c := commentOf(k, v); c != "" {
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
	ls[v.Line-1] = head + text + tail + line[len(body):]
	return []byte(strings.Join(ls, "")), nil
}

// commentOf is the trailing comment on a key's line, wherever yaml.v3 put it.
func commentOf(k, v *yaml.Node) string {
	if v.LineComment != "" {
		return v.LineComment
	}
	return k.LineComment
}

// reencode makes the changes in the node tree and encodes the whole
// document again: comments and key order survive, spacing may not.
func reencode(data []byte, changes []Change) ([]byte, error) {
	doc, err := parseRoot(data)
	if err != nil {
		return nil, err
	}
	root := doc.Content[0]
	indent := childIndent(root)
	for _, ch := range changes {
		parent, leaf := root, ch.Path
		if section, child, nested := strings.Cut(ch.Path, "."); nested {
			_, v := mappingEntry(root, section)
			if v == nil && ch.Remove {
				continue
			}
			if v == nil {
				v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				insertNode(root, "", section, v)
			}
			if v.Kind != yaml.MappingNode {
				*v = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: v.HeadComment, LineComment: v.LineComment, FootComment: v.FootComment}
			}
			v.Style &^= yaml.FlowStyle
			parent, leaf = v, child
		}
		if ch.Remove {
			removeNode(parent, leaf)
			if parent != root && len(parent.Content) == 0 {
				removeNode(root, ch.Path[:strings.Index(ch.Path, ".")])
			}
			continue
		}
		val := valueNode(ch)
		if _, v := mappingEntry(parent, leaf); v != nil {
			val.HeadComment, val.LineComment, val.FootComment = v.HeadComment, v.LineComment, v.FootComment
			*v = *val
			continue
		}
		section := ""
		if parent != root {
			section = ch.Path[:strings.Index(ch.Path, ".")]
		}
		insertNode(parent, section, leaf, val)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indent)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding brand file: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding brand file: %w", err)
	}
	return buf.Bytes(), nil
}

func valueNode(ch Change) *yaml.Node {
	if ch.List != nil {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, s := range ch.List {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
		}
		return seq
	}
	if k := fileKeys[keyIndex(ch.Path)]; k.kind == kindNumber && isDigits(ch.Value) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: ch.Value}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ch.Value}
}

// insertNode adds key: val to a mapping after the keys that come before it
// in a brand file.
func insertNode(m *yaml.Node, section, key string, val *yaml.Node) {
	path := key
	if section != "" {
		path = section + "." + key
	}
	idx := keyIndex(path)
	at := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		if ki := keyIndex(joinPath(path, m.Content[i].Value)); ki >= 0 && ki < idx {
			at = i + 2
		}
	}
	if len(m.Content) > 0 && at == 0 && keyIndex(joinPath(path, m.Content[0].Value)) < 0 {
		at = len(m.Content) // unknown keys only: add at the end
	}
	m.Content = slices.Insert(m.Content, at, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
}

func removeNode(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = slices.Delete(m.Content, i, i+2)
			return
		}
	}
}

// mappingEntry finds key in a mapping node: the first one, the value
// Decode reads (a duplicate key is reported by validation anyway).
func mappingEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
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
		if isBlockMapping(v) && v.Content[0].Column > k.Column {
			return v.Content[0].Column - k.Column
		}
	}
	return 2
}
