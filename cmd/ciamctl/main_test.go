package main

import (
	"bytes"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// The directive in main.go saves a thread at every start; a test binary of
// this package is linked with the same default, so losing the directive
// (moving it below the package clause, say) fails here.
func TestBuiltWithoutGOMAXPROCSUpdates(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info")
	}
	for _, s := range bi.Settings {
		if s.Key == "DefaultGODEBUG" {
			if !strings.Contains(","+s.Value+",", ",updatemaxprocs=0,") {
				t.Fatalf("DefaultGODEBUG is %q, want updatemaxprocs=0 in it", s.Value)
			}
			return
		}
	}
	t.Fatal("no DefaultGODEBUG setting: the //go:debug updatemaxprocs=0 directive is missing")
}

// A call of reflect.Value.MethodByName with a name known only at run time
// (text/template's executor, for one) makes the linker keep every exported
// method of every reachable type. That once cost 2.2 MB of binary and
// start-up time on every run; -dumpdep marks such a call <ReflectMethod>.
func TestLinkerKeepsDeadCodeElimination(t *testing.T) {
	if testing.Short() {
		t.Skip("links the binary")
	}
	cmd := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var deps bytes.Buffer
	cmd.Stderr = &deps
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, tail(deps.String()))
	}
	for line := range strings.Lines(deps.String()) {
		if strings.Contains(line, "<ReflectMethod>") {
			t.Fatalf("the binary keeps every exported method because of %s(find what reaches it with go build -ldflags=-dumpdep)", line)
		}
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}
