package quietinit

import (
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
