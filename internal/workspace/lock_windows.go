//go:build windows

package workspace

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// errLockIsLink reports a lock that is a link (or junction).
var errLockIsLink = errors.New("is a symbolic link")

// openNoFollow refuses a lock that is a link, then opens it. Windows has no
// O_NOFOLLOW for os.OpenFile; the check comes first.
func openNoFollow(path string) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
		return nil, errLockIsLink
	}
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
}

func isSymlinkErr(_ string, err error) bool { return errors.Is(err, errLockIsLink) }

// tryLock takes an exclusive lock on the lock file without blocking; Windows
// releases it when the process exits.
func tryLock(f *os.File) (bool, error) {
	ol := new(windows.Overlapped)
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

func unlock(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}
