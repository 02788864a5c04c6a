package cmdutil

import "testing"

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"acme":                   "acme",
		"alice.berg@example.com": "alice.berg@example.com",
		"447700900123":           "447700900123",
		"":                       "''",
		"a b":                    "'a b'",
		"x;rm -rf ~":             "'x;rm -rf ~'",
		"it's":                   `'it'\''s'`,
		"$(id)":                  "'$(id)'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
