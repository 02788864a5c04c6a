//go:build !windows

package safefile_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ciamctl/ciamctl/internal/safefile"
)

var errTooBig = errors.New("too big")

// smallRegular is a problem function: regular files of at most 16 bytes.
func smallRegular(seen *[]int64) func(fs.FileInfo) error {
	return func(fi fs.FileInfo) error {
		*seen = append(*seen, fi.Size())
		switch {
		case !fi.Mode().IsRegular():
			return errors.New("not a regular file")
		case fi.Size() > 16:
			return errTooBig
		}
		return nil
	}
}

// replaceOnFirstCheck wraps problem so that, right after the first check
// (the Lstat's), the name is replaced by a rename, as a concurrent writer's
// atomic replacement would do between the Lstat and the open.
func replaceOnFirstCheck(t *testing.T, path, content string, problem func(fs.FileInfo) error) func(fs.FileInfo) error {
	calls := 0
	return func(fi fs.FileInfo) error {
		calls++
		err := problem(fi)
		if calls == 1 {
			tmp := path + ".new"
			must(t, os.WriteFile(tmp, []byte(content), 0o600))
			must(t, os.Rename(tmp, path))
		}
		return err
	}
}

func TestOpenCheckedReadsAReplacementThatPassesTheCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	must(t, os.WriteFile(path, []byte("old"), 0o600))
	var seen []int64
	f, err := safefile.OpenChecked(path, replaceOnFirstCheck(t, path, "newer", smallRegular(&seen)))
	if err != nil {
		t.Fatalf("OpenChecked: %v", err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if string(got) != "newer" {
		t.Errorf("read %q, want the replacement %q", got, "newer")
	}
	if len(seen) != 2 || seen[0] != 3 || seen[1] != 5 {
		t.Errorf("checked sizes %v, want [3 5]: the Lstat's file, then the one opened", seen)
	}
}

func TestOpenCheckedRefusesAReplacementThatFailsTheCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	must(t, os.WriteFile(path, []byte("old"), 0o600))
	var seen []int64
	f, err := safefile.OpenChecked(path, replaceOnFirstCheck(t, path, "far more than sixteen bytes", smallRegular(&seen)))
	if !errors.Is(err, errTooBig) {
		t.Fatalf("OpenChecked = %v, %v; want errTooBig", f, err)
	}
}

func TestOpenCheckedChecksBeforeOpening(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	must(t, os.WriteFile(target, []byte("x"), 0o600))
	link := filepath.Join(dir, "link")
	must(t, os.Symlink(target, link))
	refuseLinks := func(fi fs.FileInfo) error {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fs.ErrInvalid
		}
		return nil
	}
	if _, err := safefile.OpenChecked(link, refuseLinks); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("a link: %v, want the problem's error", err)
	}
	if _, err := safefile.OpenChecked(filepath.Join(dir, "missing"), refuseLinks); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
}
