package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	cases := map[string]string{
		"https://id.example/jwks.json":                     "https://id.example/jwks.json",
		"https://user:s3cret@id.example/jwks":              "https://REDACTED@id.example/jwks",
		"https://ghp_abcdef@id.example/jwks":               "https://REDACTED@id.example/jwks",
		"https://id.example/keys?p=b2c_1&access_token=xyz": "https://id.example/keys?p=REDACTED&access_token=REDACTED",
		"https://id.example/keys?token":                    "https://id.example/keys?token",
		"https://id.example/keys#frag-secret":              "https://id.example/keys",
		"https://u:p%zz@id.example/k?sig=abc":              "https://REDACTED@id.example/k?REDACTED",
		"testdata/jwks.json":                               "testdata/jwks.json",
		"./keys?.json":                                     "./keys?.json",
	}
	for in, want := range cases {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecrets(t *testing.T) {
	var s Secrets
	if got := s.Text("nothing registered"); got != "nothing registered" {
		t.Errorf("zero value changed the text: %q", got)
	}
	s.Add("", "abc", `p@ss"w<rd>&x`, "eyJ.token.sig")
	text := `error: bad secret p@ss"w<rd>&x; json {"secret":"p@ss\"w\u003crd\u003e\u0026x"}; query ?s=p%40ss%22w%3Crd%3E%26x; token eyJ.token.sig; short abc kept`
	got := s.Text(text)
	for _, leak := range []string{`p@ss`, `p%40ss`, "eyJ.token.sig"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q survives: %s", leak, got)
		}
	}
	if !strings.Contains(got, "short abc kept") || strings.Count(got, Mask) != 4 {
		t.Errorf("unexpected redaction: %s", got)
	}
}
