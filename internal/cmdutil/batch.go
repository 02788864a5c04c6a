package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// BatchInput is an opened --batch input.
type BatchInput struct {
	r io.Reader
	// Size is the input's length when known (a regular file, or stdin
	// redirected from one), else 0: progress shows an ETA only with it.
	Size  int64
	read  atomic.Int64
	close func()
}

// Read reads the input, counting the bytes for Consumed.
func (b *BatchInput) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// Consumed is how many bytes have been read so far (a reader's buffer
// ahead of the line being worked on): enough for a share and an ETA.
func (b *BatchInput) Consumed() int64 { return b.read.Load() }

// Close closes a file the input opened (never stdin).
func (b *BatchInput) Close() { b.close() }

// OpenBatch opens --batch PATH: stdin for "-", else a regular file or a
// named pipe (streaming through one, or through <(cmd), is what --batch is
// for; opening it waits for the writer, as cat does). No size cap: the
// batch is streamed. A directory or a device is refused before opening;
// what names the lines in the messages ("one token per line").
func (f *Factory) OpenBatch(path, what string) (*BatchInput, error) {
	if path == "-" {
		return &BatchInput{r: f.IOStreams.In, Size: regularSize(f.IOStreams.In), close: func() {}}, nil
	}
	file, err := safefile.OpenStream(path)
	var skipped *safefile.SkipError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, FlagErrorf("--batch %s: no such file", path)
	case errors.As(err, &skipped):
		return nil, FlagErrorf("--batch %s; pass a file with %s, or - for stdin", skipped, what)
	case err != nil:
		return nil, workspace.IOError("read", path, err)
	}
	return &BatchInput{r: file, Size: regularSize(file), close: func() { file.Close() }}, nil
}

func regularSize(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return 0
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	return st.Size()
}

// ParseSize reads a size such as 512MiB, 64M, 4k or 1048576 (bytes). The
// units are binary whichever way they are spelt (K, KB, KiB = 1024), as
// docker --memory and sort -S read them.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if i == 0 || err != nil {
		return 0, fmt.Errorf("%q is not a size; write e.g. 512MiB, 64M or 1G", s)
	}
	shift := 0
	unit := strings.TrimSpace(t[i:])
	switch strings.ToLower(unit) {
	case "", "b":
	case "k", "kb", "kib":
		shift = 10
	case "m", "mb", "mib":
		shift = 20
	case "g", "gb", "gib":
		shift = 30
	case "t", "tb", "tib":
		shift = 40
	default:
		return 0, fmt.Errorf("%q: unknown unit %q; use KiB, MiB, GiB or TiB", s, unit)
	}
	if n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n << shift, nil
}

// BatchGC paces the garbage collector for a batch command whose live heap
// is small and steady (chunks in flight, a key set) or bounded by the
// command itself (the pre-flight's index): collect when the heap reaches
// five times what is live, but let the process grow by at most budget
// beyond what it holds when the batch starts. The default pacing (twice
// what is live) ran a collection every few thousand tokens, a tenth of
// token verify --batch's time. The limit is relative so that a caller
// already holding memory (a test with its input in memory) is not pushed
// into collecting without end. The returned func restores the previous
// settings.
func BatchGC(budget int64) (restore func()) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	oldLimit := debug.SetMemoryLimit(int64(m.Sys-m.HeapReleased) + budget)
	oldPercent := debug.SetGCPercent(400)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}
