package iostreams

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSafeText(t *testing.T) {
	for _, c := range []struct{ in, want, lines string }{
		{"plain ascii, spaces and punctuation: ~!@#$%^&*()", "", ""},
		{"Zoë 日本 ✓ emoji 🙂 and \\x1b as text", "", ""},
		{"\x1b[2K\r✓ verified", `\x1b[2K\r✓ verified`, ""},
		{"a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"bell\a back\b vt\v ff\f nul\x00 del\x7f us\x1f", `bell\a back\b vt\v ff\f nul\x00 del\x7f us\x1f`, ""},
		{"csi\u009b31m nel\u0085 osc\u009d0;title\u009c", `csi\u009b31m nel\u0085 osc\u009d0;title\u009c`, ""},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\a`, ""},
		{"user-\u202egnp.exe \u2066x\u2069 \u200e\u200f\u061c", `user-\u202egnp.exe \u2066x\u2069 \u200e\u200f\u061c`, ""},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`, ""},
		{"bad \xff\x9b utf8", `bad \xff\x9b utf8`, ""},
		{"", "", ""},
	} {
		want := c.want
		if want == "" {
			want = c.in
		}
		if got := SafeText(c.in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", c.in, got, want)
		}
		lines := c.lines
		if lines == "" {
			lines = want
		}
		if got := SafeLines(c.in); got != lines {
			t.Errorf("SafeLines(%q) = %q, want %q", c.in, got, lines)
		}
	}
}

// Nothing a terminal acts on survives, whatever the input.
func FuzzSafeText(f *testing.F) {
	f.Add("\x1b[2K\r✓ verified\u009b\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{SafeText(s), SafeLines(s)} {
			for _, r := range out {
				if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || unsafeRune(r) {
					t.Fatalf("%q escaped to %q, which still holds %U", s, out, r)
				}
			}
		}
		if strings.ContainsAny(SafeText(s), "\n\t") {
			t.Fatalf("SafeText(%q) kept a newline or tab", s)
		}
	})
}

func TestSafeTextDoesNotAllocateForCleanText(t *testing.T) {
	s := "3f1c2a9e-5b7d-4e21-9c0a-6d8e7f1a2b3c ✓ Zoë"
	if n := testing.AllocsPerRun(100, func() { _ = SafeText(s) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
	b := []byte(`{"sub":"Zoë","n":1}`)
	if n := testing.AllocsPerRun(100, func() { _ = SafeJSON(b) }); n != 0 {
		t.Errorf("SafeJSON: %v allocations", n)
	}
}

// SafeJSON escapes what encoding/json leaves raw, and the document still
// decodes to the same value.
func TestSafeJSON(t *testing.T) {
	in := map[string]string{"sub": "a\u009b31mb\x7fc\u202ed\x1be"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := SafeJSON(raw)
	want := `{"sub":"a\u009b31mb\u007fc\u202ed\u001be"}`
	if string(out) != want {
		t.Errorf("SafeJSON = %s, want %s", out, want)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["sub"] != in["sub"] {
		t.Errorf("round trip: %q, %v", back["sub"], err)
	}
}

// The word-at-a-time skip finds DEL and every non-ASCII byte at any offset.
func TestFirstUnsafeJSONAtEveryOffset(t *testing.T) {
	for _, bad := range []string{"\x7f", "\u0085", "\u202e", "\u061c"} {
		for at := 0; at < 20; at++ {
			b := []byte(strings.Repeat("a", at) + bad + strings.Repeat("z", 20))
			if got := firstUnsafeJSON(b); got != at {
				t.Errorf("%q at %d: found at %d", bad, at, got)
			}
		}
	}
	if got := firstUnsafeJSON([]byte(strings.Repeat("~ok é ", 5))); got != -1 {
		t.Errorf("safe text: %d", got)
	}
}
