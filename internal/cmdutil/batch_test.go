package cmdutil

import (
	"math"
	"runtime/debug"
	"testing"
)

// BatchGC paces the collector for the batch and puts everything back.
func TestBatchGCRestores(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := BatchGC(16 << 20)
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("GC percent during the batch: %d, want 400", got)
	}
	if limit := debug.SetMemoryLimit(-1); limit == math.MaxInt64 || limit < 16<<20 {
		t.Errorf("memory limit during the batch: %d, want what the process holds plus 16 MiB", limit)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent after: %d, want 100 back", got)
	}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("memory limit after: %d, want none", limit)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"4096": 4096, "4k": 4 << 10, "64M": 64 << 20, "512MiB": 512 << 20, "1 GB": 1 << 30, "2t": 2 << 40, "7b": 7} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "M", "-1M", "1.5G", "3 parsecs", "99999999999T"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}
