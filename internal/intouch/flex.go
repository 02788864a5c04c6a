package intouch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// FlexBool is a boolean the platform sends either as JSON true/false or as the strings "true"/"false" (its
// own add-customer samples mix both in commChannels), or as 0/1 (the source-create sample's toMirror).
type FlexBool bool

// UnmarshalJSON accepts true, false, "true", "false" (any case), 1, 0 and null (false); anything else is
// an error.
func (b *FlexBool) UnmarshalJSON(data []byte) error {
	s := strings.TrimSpace(string(data))
	if s == "null" {
		*b = false
		return nil
	}
	s = strings.ToLower(strings.Trim(s, `"`))
	switch s {
	case "true", "1":
		*b = true
	case "false", "0", "":
		*b = false
	default:
		return fmt.Errorf("%s is not a boolean", data)
	}
	return nil
}

// FieldValues are custom (`fields`) or extended (`extendedFields`) field values. The platform's samples send
// strings, numbers and booleans; they are kept as their text ("25", "true") so comparing with a mapped claim
// is a string comparison. Nested objects and arrays are kept as compact JSON rather than rejected.
type FieldValues map[string]string

// UnmarshalJSON decodes an object whose members may be any JSON value; null members are dropped.
func (f *FieldValues) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*f = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("fields: %w", err)
	}
	out := make(FieldValues, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case bytes.Equal(v, []byte("null")):
			continue
		case len(v) > 0 && v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("field %q: %w", k, err)
			}
			out[k] = s
		default:
			var buf bytes.Buffer
			if err := json.Compact(&buf, v); err != nil {
				return fmt.Errorf("field %q: %w", k, err)
			}
			out[k] = buf.String()
		}
	}
	*f = out
	return nil
}

// parseID reads a platform id (customer id, source id) sent as a JSON number or a numeric string. The id is
// what every later call is made with, so anything else is an error rather than a silent zero; required says
// whether an absent or null id is an error too.
func parseID(name string, raw json.RawMessage, required bool) (int64, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		if required {
			return 0, fmt.Errorf("the answer has no %s", name)
		}
		return 0, nil
	}
	if s[0] == '"' {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, fmt.Errorf("%s %s: %w", name, raw, err)
		}
		s = strings.TrimSpace(str)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s %s is not a positive whole number", name, raw)
	}
	return n, nil
}
