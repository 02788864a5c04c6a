package quietinit

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The init runs before termenv's only while everything this package needs
// is also something termenv needs: termenv imports os, so importing os
// alone keeps that true (see the package comment).
func TestImportsOnlyOS(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != "os" {
		t.Errorf("quietinit imports %q; it must import only os", got)
	}
}

// CI is set while hushed and restored as it was: unset, set but empty (which
// termenv does not count), or left alone when it already says CI.
func TestHushAndRelease(t *testing.T) {
	Release() // the package init's own, in this test binary
	for _, c := range []struct {
		name     string
		had      bool
		value    string
		hushedTo string
	}{
		{"unset", false, "", "1"},
		{"empty", true, "", "1"},
		{"set", true, "true", "true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CI", c.value)
			if !c.had {
				os.Unsetenv("CI")
			}
			hush()
			if got := os.Getenv("CI"); got != c.hushedTo {
				t.Errorf("while hushed CI=%q, want %q", got, c.hushedTo)
			}
			Release()
			Release()
			got, ok := os.LookupEnv("CI")
			if ok != c.had || got != c.value {
				t.Errorf("after Release CI=%q (set %v), want %q (set %v)", got, ok, c.value, c.had)
			}
		})
	}
}
