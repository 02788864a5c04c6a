package cmdutil

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/iostreams"
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

// A batch file's size is known (for an ETA) and reading counts the bytes,
// from a file and from stdin redirected from one; a pipe has no size.
func TestOpenBatchSizeAndConsumed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lines.txt")
	data := strings.Repeat("line\n", 1000)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	ios, _, _, _ := iostreams.Test()
	ios.In = stdin
	f := &Factory{IOStreams: ios}
	for _, name := range []string{path, "-"} {
		in, err := f.OpenBatch(name, "one line per line")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(in)
		in.Close()
		if err != nil || string(got) != data || in.Size != int64(len(data)) || in.Consumed() != int64(len(data)) {
			t.Errorf("%s: %v, size %d, consumed %d; want %d", name, err, in.Size, in.Consumed(), len(data))
		}
	}
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write([]byte("x\n")); pw.Close() }()
	ios.In = pr
	in, err := f.OpenBatch("-", "one line per line")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(in); err != nil || in.Size != 0 || in.Consumed() != 2 {
		t.Errorf("pipe: %v, size %d, consumed %d", err, in.Size, in.Consumed())
	}
}
