package oidc

import (
	"bytes"
	"encoding/json"
	"testing"
)

func checkAppendLine(t *testing.T, line int, r Result) {
	t.Helper()
	want, err := MarshalLine(line, r)
	if err != nil {
		return // encoding/json refuses it (invalid raw JSON): never produced by a verification
	}
	if got := AppendLine(nil, line, &r); !bytes.Equal(got, want) {
		t.Fatalf("AppendLine:\n got %s\nwant %s", got, want)
	}
}

// Every verification result in the test suite's shapes, and hostile text,
// encodes as MarshalLine encodes it.
func TestAppendLine(t *testing.T) {
	keysForTest(t)
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	claims := goodClaims()
	claims["name"] = "Zoë <z&y> \u2028 \"q\" \\ \t"
	for _, tok := range []string{mint(t, goodClaims()), mint(t, claims), "", "a.b.c", "e30.e30.", "not a token"} {
		res := v.Verify(t.Context(), tok)
		checkAppendLine(t, 3, res)
	}
	checkAppendLine(t, 1, Result{Header: json.RawMessage(`{ "a" : [1, 2] , "b":"x y\u003c" }`), Claims: json.RawMessage("{}"), Error: "e\x00\xff"})
	checkAppendLine(t, 1, Result{})
}

func FuzzAppendLine(f *testing.F) {
	f.Add([]byte(`{"alg":"RS256", "kid" : "k<1>"}`), "detail \u2029 <&>", "reason")
	f.Fuzz(func(t *testing.T, raw []byte, detail, reason string) {
		if !json.Valid(raw) {
			return
		}
		checkAppendLine(t, 9, Result{Header: raw, Claims: raw, Checks: []Check{{Name: detail, Detail: detail}, {OK: true}}, Reason: reason, Error: detail})
	})
}
