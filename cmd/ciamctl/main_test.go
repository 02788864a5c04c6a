package main

import (
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
