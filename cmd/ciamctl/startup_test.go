package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Package initialisation runs before every command, `version` included, and
// on a binary this size most of its cost is the page faults of reaching
// each init's code and data. So ciamctl's own packages run nothing at
// start-up: tables are slices of literals or switches, not maps; regexps
// and replacers are made on first use. These three are the exceptions, each
// for a reason.
var allowedInits = map[string]string{
	"github.com/ciamctl/ciamctl/internal/quietinit": "must run before the form libraries' inits query the terminal",
	"github.com/ciamctl/ciamctl/internal/cmdutil":   "undoes quietinit once those inits have run",
	"github.com/ciamctl/ciamctl/internal/oidc":      "the strict base64 decoder of the verification hot path",
}

func TestOwnPackagesRunNothingAtStartup(t *testing.T) {
	bin := binary(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ciamctl version: %v\n%s", err, out)
	}
	seen := 0
	for line := range strings.Lines(string(out)) {
		// "init github.com/x/y @0.1 ms, 0.002 ms clock, 16 bytes, 1 allocs"
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "init" {
			continue
		}
		seen++
		if pkg := f[1]; strings.HasPrefix(pkg, "github.com/ciamctl/ciamctl/") {
			if _, ok := allowedInits[pkg]; !ok {
				t.Errorf("%s runs code at start-up: %s", pkg, strings.TrimSpace(line))
			}
		}
	}
	if seen < 50 {
		t.Fatalf("GODEBUG=inittrace=1 traced %d packages; is the trace format still the same?\n%s", seen, out)
	}
}
