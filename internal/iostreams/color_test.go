package iostreams

import "testing"

func TestColorWanted(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		tty  bool
		want bool
	}{
		{nil, true, true},
		{nil, false, false},
		{map[string]string{"NO_COLOR": "1"}, true, false},
		{map[string]string{"CLICOLOR": "0"}, true, false},
		{map[string]string{"TERM": "dumb"}, true, false},
		{map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{map[string]string{"FORCE_COLOR": "1"}, false, true},
		{map[string]string{"FORCE_COLOR": "3"}, false, true},
		{map[string]string{"CLICOLOR_FORCE": "0"}, false, false},
		{map[string]string{"FORCE_COLOR": "0"}, true, true}, // "0" forces nothing; the terminal decides
		{map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false, true},
		{map[string]string{"FORCE_COLOR": "1", "TERM": "dumb"}, false, true},
	} {
		got := ColorWanted(func(k string) string { return c.env[k] }, c.tty)
		if got != c.want {
			t.Errorf("env %v, tty %v: colour %v, want %v", c.env, c.tty, got, c.want)
		}
	}
}
