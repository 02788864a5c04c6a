//go:build windows

package filelock

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// openNoFollow refuses a lock that is a link (or junction), then opens it:
// Windows has no O_NOFOLLOW for os.OpenFile, so the check comes first.
func openNoFollow(path string, perm os.FileMode) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
		return nil, ErrLink
	}
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, perm)
}

func isLinkErr(_ string, err error) bool { return errors.Is(err, ErrLink) }

// tryLock takes an exclusive lock without blocking; Windows releases it
// when the process exits.
func tryLock(f *os.File) (bool, error) {
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

func unlock(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}
