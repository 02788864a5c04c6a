package oidc

import "testing"

// The fast path must take real tokens (or it saves nothing) and must hand
// every doubtful input to the slow path.
func TestStrictObjectFast(t *testing.T) {
	cases := []struct {
		in   string
		fast bool
		ok   bool // verdict of checkJSONObject
	}{
		{`{"alg":"RS256","kid":"k1","typ":"JWT"}`, true, true},
		{`{"iss":"https://id/","aud":["a","b"],"address":{"street":"x","country":"y"},"n":1.5e3,"t":true,"z":null}`, true, true},
		{` {"a":"}\"{","b":{"a":1}} `, true, true},
		{`{"a":1,"a":2}`, false, false},
		{`{"x":{"k":1,"k":2}}`, false, false},
		{`{"a":1,"\u0061":2}`, false, false},
		{`{"\u0061":1,"b":2}`, false, true},
		{`[{"a":1}]`, false, false},
		{`{"a":1} {"b":2}`, false, false},
		{`{"a":`, false, false},
	}
	for _, c := range cases {
		if got := strictObjectFast([]byte(c.in)); got != c.fast {
			t.Errorf("strictObjectFast(%s) = %v, want %v", c.in, got, c.fast)
		}
		if err := checkJSONObject([]byte(c.in)); (err == nil) != c.ok {
			t.Errorf("checkJSONObject(%s) = %v, want ok=%v", c.in, err, c.ok)
		}
	}
}

func TestStrictObjectFastDoesNotAllocate(t *testing.T) {
	data := []byte(`{"iss":"https://id.acme.example/","aud":"acme","sub":"5b0d","iat":1,"exp":2,"contact":{"email":"a@b.c"}}`)
	if n := testing.AllocsPerRun(100, func() { strictObjectFast(data) }); n != 0 {
		t.Errorf("strictObjectFast allocates %v times per call", n)
	}
}
