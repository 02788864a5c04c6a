package brand

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// keyKind is the shape of a brand file key's value.
type keyKind int

const (
	kindText keyKind = iota
	kindNumber
	kindList
	kindSection
)

type fileKey struct {
	path string
	kind keyKind
}

// fileKeys are the keys a brand file holds, in the order ciamctl writes them.
// Edits insert a missing key after the keys that come before it here.
var fileKeys = []fileKey{
	{"apiVersion", kindText},
	{"kind", kindText},
	{"brand", kindText},
	{"displayName", kindText},
	{"orgId", kindNumber},
	{"cluster", kindText},
	{"ciam", kindSection},
	{"ciam.provider", kindText},
	{"ciam.applicationId", kindText},
	{"ciam.clientId", kindText},
	{"ciam.issuer", kindText},
	{"ciam.userinfoEndpoint", kindText},
	{"ciam.jwksUri", kindText},
	{"ciam.algorithms", kindList},
	{"mappings", kindSection},
	{"mappings.firstname", kindText},
	{"mappings.lastname", kindText},
	{"mappings.mobile", kindText},
	{"mappings.email", kindText},
	{"channel", kindSection},
	{"channel.source", kindText},
	{"channel.accountId", kindText},
	{"channel.accountName", kindText},
}

// fixedKey says why `brand set` does not change a key that identifies the
// file ("" for the others). A switch, not a map: nothing to build at start-up.
func fixedKey(path string) string {
	switch path {
	case "apiVersion":
		return "is fixed at " + APIVersion
	case "kind":
		return "is fixed at " + Kind
	case "brand":
		return "is the brand's key and its file name; to rename a brand, add it under the new name and remove the old one"
	}
	return ""
}

func keyIndex(path string) int {
	return slices.IndexFunc(fileKeys, func(k fileKey) bool { return k.path == path })
}

// SettableKeys lists the keys `brand set` accepts, in file order.
func SettableKeys() []string {
	var keys []string
	for _, k := range fileKeys {
		if fixedKey(k.path) == "" && k.kind != kindSection {
			keys = append(keys, k.path)
		}
	}
	return keys
}

// Change is one edit of a brand file: the key at Path (dotted, as the file
// nests it: "ciam.clientId") set to Value, or List for a list key, or
// removed with everything under it.
type Change struct {
	Path   string
	Value  string
	List   []string
	Remove bool
}

// String renders the change as `brand set` takes it.
func (c Change) String() string {
	switch {
	case c.Remove:
		return c.Path + "-"
	case c.List != nil:
		return c.Path + "=" + strings.Join(c.List, ",")
	}
	return c.Path + "=" + c.Value
}

// ParseChange reads one `brand set` argument: KEY=VALUE sets a key,
// KEY- removes it (as `kubectl label` does). KEY is the key's dotted path in
// the file; ciam.algorithms takes a comma-separated list. Values are only
// parsed here; Validate judges them.
func ParseChange(arg string) (Change, error) {
	key, value, hasValue := strings.Cut(arg, "=")
	remove := !hasValue && strings.HasSuffix(arg, "-")
	if remove {
		key = strings.TrimSuffix(arg, "-")
	}
	if !hasValue && !remove {
		return Change{}, fmt.Errorf("%q: expected KEY=VALUE to set a key, or KEY- to remove it", arg)
	}
	k, err := lookupKey(key)
	if err != nil {
		return Change{}, fmt.Errorf("%q: %w", arg, err)
	}
	if why := fixedKey(k.path); why != "" {
		return Change{}, fmt.Errorf("%q: %s %s", arg, k.path, why)
	}
	if remove {
		return Change{Path: k.path, Remove: true}, nil
	}
	if k.kind == kindSection {
		return Change{}, fmt.Errorf("%q: %s is a section; set its keys one by one (e.g. %s), or remove it with %s-", arg, k.path, firstChild(k.path)+"=…", k.path)
	}
	if value == "" {
		return Change{}, fmt.Errorf("%q: the value is empty; to remove the key, write %s-", arg, k.path)
	}
	switch k.kind {
	case kindNumber:
		if _, err := strconv.ParseInt(value, 10, 64); err != nil {
			return Change{}, fmt.Errorf("%q: %s must be a whole number", arg, k.path)
		}
	case kindList:
		list := strings.Split(value, ",")
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
			if list[i] == "" {
				return Change{}, fmt.Errorf("%q: %s has an empty item; separate values with single commas, e.g. %s=RS256,ES256", arg, k.path, k.path)
			}
		}
		return Change{Path: k.path, List: list}, nil
	}
	return Change{Path: k.path, Value: value}, nil
}

func firstChild(section string) string {
	for _, k := range fileKeys {
		if strings.HasPrefix(k.path, section+".") {
			if fixedKey(k.path) == "" {
				return k.path
			}
		}
	}
	return section
}

// lookupKey finds a key by its dotted path, suggesting the right spelling
// for a wrong case or a key given without its section.
func lookupKey(path string) (fileKey, error) {
	if i := keyIndex(path); i >= 0 {
		return fileKeys[i], nil
	}
	if path == "" {
		return fileKey{}, fmt.Errorf("the key is empty; keys are %s", strings.Join(SettableKeys(), ", "))
	}
	for _, k := range fileKeys {
		leaf := k.path[strings.LastIndex(k.path, ".")+1:]
		if strings.EqualFold(k.path, path) || strings.EqualFold(leaf, path) {
			return fileKey{}, fmt.Errorf("unknown key %s; did you mean %s?", path, k.path)
		}
	}
	return fileKey{}, fmt.Errorf("unknown key %s; keys are %s", path, strings.Join(SettableKeys(), ", "))
}

// Lookup returns the value at a dotted path as text ("" when unset); a list
// is joined with ", ".
func (c *Config) Lookup(path string) string {
	switch path {
	case "orgId":
		if c.OrgID == 0 {
			return ""
		}
		return strconv.FormatInt(c.OrgID, 10)
	case "ciam.algorithms":
		return strings.Join(c.CIAM.Algorithms, ", ")
	}
	if p := c.textField(path, false); p != nil {
		return *p
	}
	return ""
}

// textField points at the text field at path; with create, a missing
// channel section is made.
func (c *Config) textField(path string, create bool) *string {
	if strings.HasPrefix(path, "channel.") {
		if c.Channel == nil {
			if !create {
				return nil
			}
			c.Channel = &Channel{}
		}
		switch path {
		case "channel.source":
			return &c.Channel.Source
		case "channel.accountId":
			return &c.Channel.AccountID
		case "channel.accountName":
			return &c.Channel.AccountName
		}
		return nil
	}
	switch path {
	case "apiVersion":
		return &c.APIVersion
	case "kind":
		return &c.Kind
	case "brand":
		return &c.Brand
	case "displayName":
		return &c.DisplayName
	case "cluster":
		return &c.Cluster
	case "ciam.provider":
		return &c.CIAM.Provider
	case "ciam.applicationId":
		return &c.CIAM.ApplicationID
	case "ciam.clientId":
		return &c.CIAM.ClientID
	case "ciam.issuer":
		return &c.CIAM.Issuer
	case "ciam.userinfoEndpoint":
		return &c.CIAM.UserinfoEndpoint
	case "ciam.jwksUri":
		return &c.CIAM.JWKSURI
	}
	if field, ok := strings.CutPrefix(path, "mappings."); ok {
		switch field {
		case "firstname":
			return &c.Mappings.Firstname
		case "lastname":
			return &c.Mappings.Lastname
		case "mobile":
			return &c.Mappings.Mobile
		case "email":
			return &c.Mappings.Email
		}
	}
	return nil
}

// Apply makes a change to the config in memory, as Edit makes it to a file.
func (c *Config) Apply(ch Change) {
	switch {
	case ch.Path == "orgId":
		c.OrgID = 0
		if !ch.Remove {
			c.OrgID, _ = strconv.ParseInt(ch.Value, 10, 64)
		}
	case ch.Path == "ciam.algorithms":
		c.CIAM.Algorithms = nil
		if !ch.Remove {
			c.CIAM.Algorithms = slices.Clone(ch.List)
		}
	case ch.Path == "ciam" && ch.Remove:
		c.CIAM = CIAM{}
	case ch.Path == "mappings" && ch.Remove:
		c.Mappings = Mappings{}
	case ch.Path == "channel" && ch.Remove:
		c.Channel = nil
	default:
		if p := c.textField(ch.Path, !ch.Remove); p != nil {
			*p = ""
			if !ch.Remove {
				*p = ch.Value
			}
		}
	}
}

// FieldChange is one field whose value differs between two configs; From or
// To is "" where the field is not set.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
}

// Diff lists the fields that differ from before to after, in file order.
func Diff(before, after *Config) []FieldChange {
	var out []FieldChange
	for _, k := range fileKeys {
		if k.kind == kindSection {
			continue
		}
		from, to := before.Lookup(k.path), after.Lookup(k.path)
		if from != to {
			out = append(out, FieldChange{Field: k.path, From: from, To: to})
		}
	}
	return out
}

// Changes returns the edits that turn before into after, for the fields
// listed (all fields when none are).
func Changes(before, after *Config, fields ...string) []Change {
	var out []Change
	for _, d := range Diff(before, after) {
		if len(fields) > 0 && !slices.Contains(fields, d.Field) {
			continue
		}
		switch {
		case d.To == "":
			out = append(out, Change{Path: d.Field, Remove: true})
		case d.Field == "ciam.algorithms":
			out = append(out, Change{Path: d.Field, List: slices.Clone(after.CIAM.Algorithms)})
		default:
			out = append(out, Change{Path: d.Field, Value: d.To})
		}
	}
	return out
}
