//go:build !windows

package safefile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/safefile"
)

// workspace makes dir/ with a regular file, links in and out, a FIFO, a
// directory and an oversize file, and a secret file beside it.
func workspace(t *testing.T) (dir string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "ws")
	must(t, os.Mkdir(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(base, "secret.txt"), []byte("TOP-SECRET"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("brand: a\n"), 0o644))
	must(t, os.Symlink("a.yaml", filepath.Join(dir, "in.yaml")))
	must(t, os.Symlink("../secret.txt", filepath.Join(dir, "out.yaml")))
	must(t, os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(dir, "abs.yaml")))
	must(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")))
	must(t, os.Symlink("missing.yaml", filepath.Join(dir, "dangling.yaml")))
	must(t, os.Symlink("loop2.yaml", filepath.Join(dir, "loop1.yaml")))
	must(t, os.Symlink("loop1.yaml", filepath.Join(dir, "loop2.yaml")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "dir.yaml"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "big.yaml"), make([]byte, safefile.MaxSize+1), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "max.yaml"), make([]byte, safefile.MaxSize), 0o644))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// noHang runs fn and fails the test, instead of hanging it, should fn block
// (as opening a FIFO for reading does).
func noHang[T any](t *testing.T, fn func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("blocked: the read waited on the file instead of refusing it")
	}
	panic("unreachable")
}

type read struct {
	data []byte
	err  error
}

func TestReadInSkipsWhatIsNotARegularFileInside(t *testing.T) {
	dir := workspace(t)
	cases := []struct{ name, reason string }{
		{"out.yaml", "symbolic link that leads out of " + dir},
		{"abs.yaml", "symbolic link that leads out of " + dir},
		{"zero.yaml", "symbolic link that leads out of " + dir},
		{"loop1.yaml", "loop of symbolic links"},
		{"fifo.yaml", "named pipe (FIFO), not a regular file"},
		{"dir.yaml", "is a directory"},
		{"big.yaml", "larger than 1 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := noHang(t, func() read { d, err := safefile.ReadIn(dir, c.name, safefile.MaxSize); return read{d, err} })
			var se *safefile.SkipError
			if !errors.As(r.err, &se) || !errors.Is(r.err, safefile.ErrSkipped) || errors.Is(r.err, safefile.ErrTooLarge) != (c.name == "big.yaml") {
				t.Fatalf("err %v (%d bytes), want a skip", r.err, len(r.data))
			}
			if se.Path != filepath.Join(dir, c.name) || !strings.Contains(se.Reason, c.reason) {
				t.Errorf("skip %q: %q, want path %s and %q", se.Path, se.Reason, filepath.Join(dir, c.name), c.reason)
			}
			if strings.Contains(r.err.Error(), "TOP-SECRET") || strings.Contains(r.err.Error(), "secret.txt") {
				t.Errorf("error reveals the link's target: %v", r.err)
			}
			if cerr := safefile.CheckIn(dir, c.name, safefile.MaxSize); !errors.Is(cerr, safefile.ErrSkipped) {
				t.Errorf("CheckIn: %v, want a skip", cerr)
			}
		})
	}
}

func TestReadInReadsRegularFilesAndLinksInside(t *testing.T) {
	dir := workspace(t)
	for _, name := range []string{"a.yaml", "in.yaml"} {
		data, err := safefile.ReadIn(dir, name, safefile.MaxSize)
		if err != nil || string(data) != "brand: a\n" {
			t.Errorf("%s: %q %v", name, data, err)
		}
		if err := safefile.CheckIn(dir, name, safefile.MaxSize); err != nil {
			t.Errorf("CheckIn %s: %v", name, err)
		}
	}
	if data, err := safefile.ReadIn(dir, "max.yaml", safefile.MaxSize); err != nil || len(data) != safefile.MaxSize {
		t.Errorf("a file of exactly the cap: %d bytes, %v", len(data), err)
	}
	_, err := safefile.ReadIn(dir, "dangling.yaml", safefile.MaxSize)
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, safefile.ErrSkipped) {
		t.Errorf("dangling link: %v, want not-exist", err)
	}
	if _, err := safefile.ReadIn(dir, "none.yaml", safefile.MaxSize); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(dir, "none.yaml")) {
		t.Errorf("missing file: %v, want not-exist naming the full path", err)
	}
}

func TestReadFileFollowsLinksToRegularFilesOnly(t *testing.T) {
	dir := workspace(t)
	// Named explicitly, a link may lead anywhere (the user chose it) ...
	if data, err := safefile.ReadFile(filepath.Join(dir, "out.yaml"), safefile.MaxSize); err != nil || string(data) != "TOP-SECRET" {
		t.Errorf("explicit link: %q %v", data, err)
	}
	// ... but must end at a regular file under the cap.
	cases := map[string]string{
		"zero.yaml": "is a device",
		"fifo.yaml": "named pipe",
		"dir.yaml":  "is a directory",
		"big.yaml":  "larger than 1 MiB",
	}
	for name, reason := range cases {
		r := noHang(t, func() read {
			d, err := safefile.ReadFile(filepath.Join(dir, name), safefile.MaxSize)
			return read{d, err}
		})
		if !errors.Is(r.err, safefile.ErrSkipped) || !strings.Contains(r.err.Error(), reason) || !strings.HasPrefix(r.err.Error(), filepath.Join(dir, name)+": ") {
			t.Errorf("%s: %v (%d bytes), want %q", name, r.err, len(r.data), reason)
		}
	}
	if _, err := safefile.ReadFile("/dev/zero", 10); !errors.Is(err, safefile.ErrSkipped) {
		t.Errorf("/dev/zero: %v", err)
	}
}

func TestOpenStreamTakesFilesAndNamedPipes(t *testing.T) {
	dir := workspace(t)
	f, err := safefile.OpenStream(filepath.Join(dir, "big.yaml"))
	if err != nil {
		t.Fatalf("regular file over the cap: %v (streams have none)", err)
	}
	f.Close()
	for name, reason := range map[string]string{"dir.yaml": "is a directory", "zero.yaml": "is a device"} {
		if _, err := safefile.OpenStream(filepath.Join(dir, name)); !errors.Is(err, safefile.ErrSkipped) || !strings.Contains(err.Error(), reason) {
			t.Errorf("%s: %v, want %q", name, err, reason)
		}
	}
	// A named pipe is a stream: opening it waits for the writer, then reads.
	fifo := filepath.Join(dir, "fifo.yaml")
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.WriteString("line\n")
			w.Close()
		}
	}()
	r := noHang(t, func() read {
		f, err := safefile.OpenStream(fifo)
		if err != nil {
			return read{nil, err}
		}
		defer f.Close()
		b := make([]byte, 5)
		n, err := f.Read(b)
		return read{b[:n], err}
	})
	if r.err != nil || string(r.data) != "line\n" {
		t.Errorf("named pipe: %q %v", r.data, r.err)
	}
}
