package oidc

import (
	"bytes"
	"encoding/json"
)

// member is one top-level member of a JSON object: its decoded name and its
// value as raw JSON.
type member struct {
	name  []byte // aliases the object's bytes: comparing it allocates nothing
	value json.RawMessage
}

// members is an object's top-level members, looked up by exact name.
// Verification reads a handful of names once each, so a slice scan beats
// building a map.
type members []member

func (ms members) get(name string) (json.RawMessage, bool) {
	for _, m := range ms {
		if string(m.name) == name {
			return m.value, true
		}
	}
	return nil, false
}

// objectMembers lists the top-level members of data, which checkJSONObject
// has accepted (one valid object, unique names). Values alias data. Names
// with escapes ("\u0069ss" is "iss") are decoded by encoding/json.
//
// The members are appended to dst, so a caller can keep them on its stack.
func objectMembers(data []byte, dst members) (members, error) {
	if ms, ok := scanMembers(data, dst); ok {
		return ms, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	ms := dst[:0]
	for k, v := range m {
		ms = append(ms, member{name: []byte(k), value: v})
	}
	return ms, nil
}

// scanMembers splits an object at its top level without decoding values.
// It reports false (and the caller decodes properly) for anything but the
// plain case: a name with an escape, or input it does not expect.
func scanMembers(data []byte, dst members) (members, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	ms := dst[:0]
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return ms, true
	}
	for i < len(data) {
		if data[i] != '"' {
			return nil, false
		}
		end, ok := stringEnd(data, i)
		if !ok {
			return nil, false
		}
		name := data[i+1 : end]
		if bytes.IndexByte(name, '\\') >= 0 {
			return nil, false
		}
		i = skipSpace(data, end+1)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		start := skipSpace(data, i+1)
		stop, ok := valueEnd(data, start)
		if !ok {
			return nil, false
		}
		ms = append(ms, member{name: name, value: data[start:stop]})
		i = skipSpace(data, stop)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case '}':
			return ms, true
		case ',':
			i = skipSpace(data, i+1)
		default:
			return nil, false
		}
	}
	return nil, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index of the quote closing the string opening at i.
func stringEnd(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j, true
		}
	}
	return 0, false
}

// valueEnd returns the index just past the value starting at i.
func valueEnd(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		end, ok := stringEnd(data, i)
		return end + 1, ok
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, ok := stringEnd(data, j)
				if !ok {
					return 0, false
				}
				j = end
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ' ' && data[j] != '\t' && data[j] != '\n' && data[j] != '\r' {
		j++
	}
	return j, j > i
}

// jsonString decodes raw when it is a JSON string; null and every other
// type are not (encoding/json would turn null into "").
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// isJSONNumber reports whether raw is a JSON number rather than another type.
func isJSONNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9')
}
