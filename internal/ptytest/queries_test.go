package ptytest

import (
	"reflect"
	"testing"
)

func TestQueries(t *testing.T) {
	for _, c := range []struct {
		out  string
		want []string
	}{
		{"plain \x1b[1mbold\x1b[0m \x1b[31mred\x1b[0m\r\x1b[K", nil},
		{"\x1b]11;?\x1b\\\x1b[6nciamctl dev", []string{"\x1b]11;?\x1b\\", "\x1b[6n"}},
		{"\x1b]10;?\a", []string{"\x1b]10;?\a"}},
		{"\x1b]0;title\a", nil},
		{"\x1b[c\x1b[>c\x1b[5n\x1b[14t\x1b[?2026$p\x1b[?u\x1b[>0q", []string{"\x1b[c", "\x1b[>c", "\x1b[5n", "\x1b[14t", "\x1b[?2026$p", "\x1b[?u", "\x1b[>0q"}},
		{"\x1bP+q544e\x1b\\", []string{"\x1bP+q544e\x1b\\"}},
		{"\x1bZ", []string{"\x1bZ"}},
		{"cut \x1b[6", []string{"\x1b[6"}},
	} {
		if got := Queries(c.out); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Queries(%q) = %q, want %q", c.out, got, c.want)
		}
	}
}
