package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseToken(f *testing.F) {
	keysForTest(f)
	f.Add(mint(f, goodClaims()))
	f.Add(signRaw(f, "ES256", testKeys.ec, `{"alg":"ES256","kid":"ec-1"}`, mustJSON(f, goodClaims())))
	f.Add(signRaw(f, "none", nil, `{"alg":"none"}`, `{}`))
	f.Add(signRaw(f, "RS256", testKeys.rsa, `{"alg":"RS256","alg":"RS256"}`, `{}`))
	f.Add(signRaw(f, "RS256", testKeys.rsa, `{"alg":"RS256","jwk":{"kty":"RSA"}}`, `{}`))
	f.Add(signRaw(f, "RS256", testKeys.rsa, `{"alg":"RS256","x5c":["AAAA"]}`, `{"exp":1e999}`))
	f.Add(signRaw(f, "RS256", testKeys.rsa, `{"alg":"RS256","crit":[]}`, `[`+strings.Repeat("[", 40)))
	f.Add(signRaw(f, "RS256", testKeys.rsa, `{"alg":"RS256","x5t":"abc"}`, mustJSON(f, goodClaims())))
	f.Add(signRaw(f, "ES256", testKeys.ec, `{"alg":"ES256","x5t#S256":null}`, mustJSON(f, goodClaims())))
	f.Add("a.b.c")
	f.Add("..")
	f.Add("e30.e30.")
	f.Add("a.b.c.d.e")
	f.Add("")
	set := standardSet(f)
	v := mustVerifier(f, testPolicy(), StaticSource{S: set})
	f.Fuzz(func(t *testing.T, tok string) {
		res := v.Verify(context.Background(), tok)
		if res.Valid == (res.Reason != "") {
			t.Fatalf("valid=%v with reason %q", res.Valid, res.Reason)
		}
		if !res.Valid && !slices.Contains(Reasons, res.Reason) {
			t.Fatalf("unknown reason %q", res.Reason)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
		_, _ = VerifySignature(tok, set, nil)
	})
}

// FuzzStrictJSON checks the allocation-free fast path against the
// encoding/json token walk: whenever the fast path accepts, the slow one
// must too (the fast path may only be more cautious, never more lenient).
// checkJSONObject refuses invalid UTF-8 before either runs (the fast path
// compares raw names, the slow one decoded names with U+FFFD for bad bytes).
func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":1,"a":2}`, `{"a":{"a":1},"b":[{"a":1},{"a":2}]}`,
		`{"a":1,"\u0061":2}`, `{"a":"}\"{","b":1}`, ` {"x":[1,2,{"y":null}]} `,
		`[1]`, `"s"`, `{"a":1}{"b":2}`, `{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
		`{"k":"v","k2":{"k":"v","k":"w"}}`, `{"":1,"":2}`, "{\"a\":1,\n\"b\":2}",
		"{\"x\xff\":1,\"x\xfe\":2}", "{\"sub\":\"\xffadmin\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			if checkJSONObject(data) == nil {
				t.Fatalf("invalid UTF-8 accepted: %q", data)
			}
			return
		}
		if strictObjectFast(data) {
			if err := checkJSONObjectSlow(data); err != nil {
				t.Fatalf("fast path accepted %q, slow path says %v", data, err)
			}
		}
	})
}

// FuzzObjectMembers checks the top-level member scan against encoding/json
// on every object checkJSONObject accepts: same names, same raw values.
func FuzzObjectMembers(f *testing.F) {
	for _, s := range []string{
		`{}`, ` { } `, `{"iss":"https://id.example/","aud":["a","b"],"exp":1e3,"n":null,"t":true}`,
		`{"a":{"b":[1,{"c":"}]\"{"}]},"d":-0.5}`, `{"\u0069ss":"x"}`, "{\n\t\"a\" :\r\n 1 ,\"b\":\"\\\"\"\n}",
		`{"a":"\\"}`, `{"a":[]}`, `{"a":""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkJSONObject(data) != nil {
			return
		}
		got, err := objectMembers(data, nil)
		if err != nil {
			t.Fatalf("objectMembers(%q): %v", data, err)
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("encoding/json refuses %q: %v", data, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d members, encoding/json has %d", data, len(got), len(want))
		}
		for _, m := range got {
			w, ok := want[string(m.name)]
			if !ok || !bytes.Equal(bytes.TrimSpace(w), m.value) {
				t.Fatalf("%q: member %q = %q, encoding/json has %q", data, m.name, m.value, w)
			}
		}
	})
}
