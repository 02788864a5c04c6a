// Package safefile reads the files ciamctl is given — brand files, claims,
// keys, key sets — without being led astray: only regular files, at most a
// size cap, never hanging on a named pipe or device, and, for files found
// in a directory, never through a symbolic link that leaves it.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// MaxSize is the cap for every input file ciamctl reads whole.
const MaxSize = 1 << 20

// ErrSkipped marks a file that was not read because of what it is (not a
// regular file, too large, a link out of its directory). Every such error
// is a *SkipError.
var ErrSkipped = errors.New("file skipped")

// ErrTooLarge marks a skip because the file is over the cap.
var ErrTooLarge = errors.New("file too large")

// SkipError says which file was not read and why, in one line. It never
// holds the file's content or a link's target.
type SkipError struct {
	Path     string
	Reason   string // e.g. "is a named pipe (FIFO), not a regular file"
	tooLarge bool
}

func (e *SkipError) Error() string { return e.Path + ": " + e.Reason }
func (e *SkipError) Is(target error) bool {
	return target == ErrSkipped || (e.tooLarge && target == ErrTooLarge)
}

func skip(path, format string, args ...any) error {
	return &SkipError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

func tooLarge(path string, max int64, size string) error {
	return &SkipError{Path: path, Reason: "is larger than " + sizeText(max) + size, tooLarge: true}
}

// ReadFile reads a file named by the user. Symbolic links are followed (the
// user chose the name, as with cat), but it must end at a regular file of at
// most max bytes.
func ReadFile(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, st, max); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the name be swapped for a FIFO after the Stat, the
	// open returns at once instead of waiting for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(path, f, st, max)
}

// ReadIn reads name inside dir. Links are followed only while they stay in
// dir (os.Root enforces it): a link out of dir, even a committed one in a
// pull request, is never read. The file must be regular and at most max bytes.
func ReadIn(dir, name string, max int64) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	path := filepath.Join(dir, name)
	st, err := statIn(root, dir, name)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, st, max); err != nil {
		return nil, err
	}
	f, err := root.OpenFile(name, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, pathErr(path, err)
	}
	defer f.Close()
	return readOpened(path, f, st, max)
}

// CheckIn says, without opening it, whether ReadIn would read name in dir
// with the cap max: nil, a *SkipError, or the error of looking it up.
func CheckIn(dir, name string, max int64) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	path := filepath.Join(dir, name)
	st, err := statIn(root, dir, name)
	if err != nil {
		return err
	}
	return checkRegular(path, st, max)
}

// OpenStream opens a file to be read as a stream (no size cap): a regular
// file or a named pipe the user named, links followed. Opening a named pipe
// waits for its writer, which is what streaming from one means; directories,
// devices and sockets are refused before anything is opened.
func OpenStream(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode()&fs.ModeNamedPipe == 0 {
		if err := checkRegular(path, st, -1); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	got, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !os.SameFile(st, got) {
		f.Close()
		return nil, skip(path, "changed while it was being opened")
	}
	return f, nil
}

// statIn follows name inside root, telling a link out of it apart from a
// missing file.
func statIn(root *os.Root, dir, name string) (fs.FileInfo, error) {
	path := filepath.Join(dir, name)
	st, err := root.Stat(name)
	if err == nil {
		return st, nil
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, pathErr(path, err)
	}
	if lst, lerr := root.Lstat(name); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
		if errors.Is(err, syscall.ELOOP) {
			return nil, skip(path, "is a loop of symbolic links")
		}
		return nil, skip(path, "is a symbolic link that leads out of %s (links there must be relative and stay inside)", dir)
	}
	return nil, pathErr(path, err)
}

// checkRegular refuses anything but a regular file of at most max bytes
// (max < 0: any size).
func checkRegular(path string, st fs.FileInfo, max int64) error {
	m := st.Mode()
	switch {
	case m.IsDir():
		return skip(path, "is a directory")
	case m&fs.ModeNamedPipe != 0:
		return skip(path, "is a named pipe (FIFO), not a regular file")
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return skip(path, "is a device, not a regular file")
	case m&fs.ModeSocket != 0:
		return skip(path, "is a socket, not a regular file")
	case !m.IsRegular():
		return skip(path, "is not a regular file")
	case max >= 0 && st.Size() > max:
		return tooLarge(path, max, fmt.Sprintf(" (%d bytes)", st.Size()))
	}
	return nil
}

// readOpened reads an opened file that was stat'ed as want: it must still
// be that regular file, and it may not have grown past max.
func readOpened(path string, f *os.File, want fs.FileInfo, max int64) ([]byte, error) {
	got, err := f.Stat()
	if err != nil {
		return nil, pathErr(path, err)
	}
	if !os.SameFile(want, got) {
		return nil, skip(path, "changed while it was being opened")
	}
	if err := checkRegular(path, got, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, pathErr(path, err)
	}
	if int64(len(data)) > max {
		return nil, tooLarge(path, max, "")
	}
	return data, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// pathErr names path in err, keeping its cause: errors from os.Root name
// only the part inside the root.
func pathErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	}
	return err
}
