package oidc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxJSONDepth bounds nesting in token headers and payloads: real ID tokens
// nest two or three levels (address, custom objects); deep nesting is an
// attack on parsers, not data.
const MaxJSONDepth = 32

// checkJSONObject verifies that data is exactly one JSON object in valid
// UTF-8, with no duplicate member names at any level (parsers disagree on
// which duplicate wins, which lets a token say different things to different
// readers) and no nesting beyond MaxJSONDepth.
//
// Invalid UTF-8 is refused first (RFC 7519 §7.2, RFC 8259 §8.1): encoding/json
// would silently turn each bad byte into U+FFFD, so the claims shown and
// checked would not be the bytes that were signed, and two distinct raw
// member names such as "x\xff" and "x\xfe" would become one.
func checkJSONObject(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	if strictObjectFast(data) {
		return nil
	}
	return checkJSONObjectSlow(data)
}

// checkJSONObjectSlow walks the tokens with encoding/json, which allocates
// per token but decodes names and explains what is wrong.
func checkJSONObjectSlow(data []byte) error {
	type frame struct {
		object    bool
		expectKey bool
		keys      map[string]struct{}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	started := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if !started || len(stack) > 0 {
				return errors.New("unexpected end of JSON")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		if started && len(stack) == 0 {
			return errors.New("trailing data after the JSON object")
		}
		if !started {
			started = true
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return errors.New("not a JSON object")
			}
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.expectKey = true
				}
				if len(stack) >= MaxJSONDepth {
					return fmt.Errorf("JSON nested deeper than %d levels", MaxJSONDepth)
				}
				f := &frame{object: v == '{', expectKey: v == '{'}
				if f.object {
					f.keys = map[string]struct{}{}
				}
				stack = append(stack, f)
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.expectKey {
				if _, dup := top.keys[v]; dup {
					return fmt.Errorf("duplicate member %q", truncate(v, 40))
				}
				top.keys[v] = struct{}{}
				top.expectKey = false
				continue
			}
			if top != nil && top.object {
				top.expectKey = true
			}
		default:
			if top != nil && top.object {
				top.expectKey = true
			}
		}
	}
}

// truncate shortens attacker-controlled text before it goes into a message.
func truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
