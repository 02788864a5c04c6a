package brand

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Pos is a 1-based line and column in a file.
type Pos struct{ Line, Column int }

// Positions maps field paths ("ciam.jwksUri") to where their value sits.
type Positions map[string]Pos

// Lookup finds the position of a field, falling back to the nearest parent
// that the file has (a missing required field points at its section).
func (p Positions) Lookup(field string) Pos {
	for f := field; f != ""; {
		if pos, ok := p[f]; ok {
			return pos
		}
		switch i := strings.LastIndexAny(f, ".["); i {
		case -1:
			f = ""
		default:
			f = f[:i]
		}
	}
	if pos, ok := p[""]; ok {
		return pos
	}
	return Pos{1, 1}
}

// Decode parses a brand file. Structural problems (syntax, unknown or
// duplicate keys, wrong types) come back as field problems placed by the
// returned positions; the config holds whatever could be read.
func Decode(data []byte) (*Config, Positions, []Problem) {
	d := &decoder{pos: Positions{}}
	cfg := &Config{}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errAt(Pos{1, 1}, "", "file is empty; expected a BrandConfig (see `ciamctl brand add --dry-run`)")
			return cfg, d.pos, d.problems
		}
		d.errAt(syntaxPos(err), "", "invalid YAML: "+syntaxMessage(err))
		return cfg, d.pos, d.problems
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errAt(Pos{extra.Line, extra.Column}, "", "file holds more than one YAML document; put one brand in each file")
	} else if !errors.Is(err, io.EOF) {
		d.errAt(syntaxPos(err), "", "invalid YAML: "+syntaxMessage(err))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	d.pos[""] = Pos{root.Line, root.Column}
	d.config(root, cfg)
	return cfg, d.pos, d.problems
}

type decoder struct {
	pos      Positions
	problems []Problem
}

func (d *decoder) errAt(p Pos, field, msg string) {
	if field != "" {
		msg = field + ": " + msg
	}
	d.problems = append(d.problems, Problem{Line: p.Line, Column: p.Column, Severity: SeverityError, Field: field, Message: msg})
}

func posOf(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// fields walks a mapping node, rejecting duplicate and unknown keys, and hands
// each known value to its handler.
func (d *decoder) fields(n *yaml.Node, path string, handlers map[string]func(v *yaml.Node, field string)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		if n.Tag == "!!null" {
			return
		}
		d.errAt(posOf(n), path, "must be a mapping of keys to values")
		return
	}
	seen := map[string]Pos{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := k.Value
		if path != "" {
			field = path + "." + k.Value
		}
		if prev, dup := seen[k.Value]; dup {
			d.errAt(posOf(k), field, fmt.Sprintf("is defined twice (first at line %d); keep one", prev.Line))
			continue
		}
		seen[k.Value] = posOf(k)
		h, ok := handlers[k.Value]
		if !ok {
			d.errAt(posOf(k), field, "unknown field"+suggest(k.Value, handlers))
			continue
		}
		v = resolve(v)
		// A section is located by its key, so a field missing from it points there.
		if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
			d.pos[field] = posOf(k)
		} else {
			d.pos[field] = posOf(v)
		}
		h(v, field)
	}
}

func suggest(key string, handlers map[string]func(*yaml.Node, string)) string {
	names := make([]string, 0, len(handlers))
	for name := range handlers {
		if strings.EqualFold(name, key) {
			return fmt.Sprintf("; did you mean %q?", name)
		}
		names = append(names, name)
	}
	if f := MappingFieldFor(key); f != "" && handlers[f] != nil { // under mappings: phone is mobile
		return fmt.Sprintf("; did you mean %q?", f)
	}
	sort.Strings(names)
	return "; allowed here: " + strings.Join(names, ", ")
}

// str reads a scalar as text. IDs are often all digits, so integers are
// accepted as their literal text (leading zeros kept).
func (d *decoder) str(dst *string) func(*yaml.Node, string) {
	return func(v *yaml.Node, field string) {
		if v.Kind != yaml.ScalarNode || (v.Tag != "!!str" && v.Tag != "!!int") {
			d.errAt(posOf(v), field, "must be a string"+quoteHint(v))
			return
		}
		*dst = v.Value
	}
}

func quoteHint(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		return fmt.Sprintf(" (got %s %s; quote it if it is meant as text)", strings.TrimPrefix(v.Tag, "!!"), v.Value)
	}
	switch {
	case v.Tag == "!!null":
		return " (got an empty value)"
	case v.Kind == yaml.SequenceNode:
		return " (got a list)"
	case v.Kind == yaml.MappingNode:
		return " (got a mapping)"
	}
	return ""
}

// claim reads a mapping value; an empty one is a mistake, not "unmapped".
func (d *decoder) claim(dst *string) func(*yaml.Node, string) {
	return func(v *yaml.Node, field string) {
		if v.Kind == yaml.ScalarNode && v.Value == "" {
			d.errAt(posOf(v), field, "is empty; name an ID-token claim or remove the line")
			return
		}
		d.str(dst)(v, field)
	}
}

func (d *decoder) int64(dst *int64) func(*yaml.Node, string) {
	return func(v *yaml.Node, field string) {
		n, err := strconv.ParseInt(v.Value, 10, 64)
		if v.Kind != yaml.ScalarNode || err != nil || (v.Tag != "!!int" && v.Tag != "!!str") {
			d.errAt(posOf(v), field, "must be a whole number")
			return
		}
		*dst = n
	}
}

func (d *decoder) strList(dst *[]string) func(*yaml.Node, string) {
	return func(v *yaml.Node, field string) {
		if v.Kind != yaml.SequenceNode {
			d.errAt(posOf(v), field, "must be a list, e.g. [RS256, ES256]")
			return
		}
		list := []string{}
		for i, item := range v.Content {
			item = resolve(item)
			f := fmt.Sprintf("%s[%d]", field, i)
			d.pos[f] = posOf(item)
			var s string
			d.str(&s)(item, f)
			list = append(list, s)
		}
		*dst = list
	}
}

func (d *decoder) config(root *yaml.Node, c *Config) {
	d.fields(root, "", map[string]func(*yaml.Node, string){
		"apiVersion":  d.str(&c.APIVersion),
		"kind":        d.str(&c.Kind),
		"brand":       d.str(&c.Brand),
		"displayName": d.str(&c.DisplayName),
		"orgId":       d.int64(&c.OrgID),
		"cluster":     d.str(&c.Cluster),
		"ciam": func(v *yaml.Node, field string) {
			d.fields(v, field, map[string]func(*yaml.Node, string){
				"provider":         d.str(&c.CIAM.Provider),
				"applicationId":    d.str(&c.CIAM.ApplicationID),
				"clientId":         d.str(&c.CIAM.ClientID),
				"issuer":           d.str(&c.CIAM.Issuer),
				"userinfoEndpoint": d.str(&c.CIAM.UserinfoEndpoint),
				"jwksUri":          d.str(&c.CIAM.JWKSURI),
				"algorithms":       d.strList(&c.CIAM.Algorithms),
			})
		},
		"mappings": func(v *yaml.Node, field string) {
			m := &c.Mappings
			d.fields(v, field, map[string]func(*yaml.Node, string){
				"firstname": d.claim(&m.Firstname),
				"lastname":  d.claim(&m.Lastname),
				"mobile":    d.claim(&m.Mobile),
				"email":     d.claim(&m.Email),
			})
		},
		"channel": func(v *yaml.Node, field string) {
			c.Channel = &Channel{}
			d.fields(v, field, map[string]func(*yaml.Node, string){
				"source":      d.str(&c.Channel.Source),
				"accountId":   d.str(&c.Channel.AccountID),
				"accountName": d.str(&c.Channel.AccountName),
			})
		},
	})
}

// lineRe is compiled on first use: only failed decodes need it. (A zero
// sync.Once, not sync.OnceValue, so that nothing runs at start-up.)
var (
	lineReOnce sync.Once
	lineReV    *regexp.Regexp
)

func lineRe() *regexp.Regexp {
	lineReOnce.Do(func() { lineReV = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`) })
	return lineReV
}

// syntaxPos digs the position out of a yaml.v3 error message, which has no
// structured form.
func syntaxPos(err error) Pos {
	m := lineRe().FindStringSubmatch(err.Error())
	if m == nil {
		return Pos{1, 1}
	}
	line, _ := strconv.Atoi(m[1])
	col := 1
	if m[2] != "" {
		col, _ = strconv.Atoi(m[2])
	}
	return Pos{line, col}
}

func syntaxMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = lineRe().ReplaceAllString(msg, "")
	return strings.TrimLeft(msg, ": ")
}
