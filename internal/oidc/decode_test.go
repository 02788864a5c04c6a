package oidc

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tok := b64url([]byte(`{"alg":"none","kid":"k"}`)) + "." + b64url([]byte(`{"sub":"u","exp":1}`)) + "."
	h, c, err := Decode("  " + tok + "\n")
	if err != nil || string(h) != `{"alg":"none","kid":"k"}` || string(c) != `{"sub":"u","exp":1}` {
		t.Fatalf("Decode: %s %s %v", h, c, err)
	}
	for name, bad := range map[string]string{
		"empty":          "",
		"two segments":   "a.b",
		"bad base64":     "a+b.c.d",
		"payload string": b64url([]byte(`{"alg":"RS256"}`)) + "." + b64url([]byte(`"x"`)) + ".",
		"duplicate key":  b64url([]byte(`{"alg":"RS256","alg":"none"}`)) + "." + b64url([]byte(`{}`)) + ".",
		"too long":       strings.Repeat("a", MaxTokenBytes+1),
	} {
		if _, _, err := Decode(bad); err == nil {
			t.Errorf("%s: decoded", name)
		} else if len(bad) > 8 && strings.Contains(err.Error(), bad) {
			t.Errorf("%s: error quotes the token", name)
		}
	}
}

// Go's base64 decoder skips CR and LF, so a token broken across lines would
// decode; each segment must be rejected instead, with the reason named.
func TestSegmentsRejectLineBreaksAndForeignCharacters(t *testing.T) {
	tok := mint(t, goodClaims())
	first, last := strings.IndexByte(tok, '.'), strings.LastIndexByte(tok, '.')
	at := map[string]int{"header": first / 2, "payload": (first + last) / 2, "signature": (last + len(tok)) / 2}
	for seg, i := range at {
		for _, c := range []string{"\n", "\r", "\r\n", " ", "=", "+", "/"} {
			bad := tok[:i] + c + tok[i:]
			_, err := parseCompact(bad, true)
			want := seg + " segment has characters outside base64url"
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%q in the %s: %v, want %q", c, seg, err, want)
			}
		}
	}
	if _, err := parseCompact(tok, true); err != nil {
		t.Fatalf("the untouched token: %v", err)
	}
}
