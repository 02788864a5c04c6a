//go:build unix

package filelock

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// openNoFollow opens with O_NOFOLLOW (a link is ELOOP, never followed) and
// O_NONBLOCK (a FIFO planted in its place cannot block).
func openNoFollow(path string, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR|unix.O_NOFOLLOW|unix.O_NONBLOCK, perm)
}

// isLinkErr tells a refused link apart from other open failures.
func isLinkErr(path string, err error) bool {
	if err == nil || !errors.Is(err, unix.ELOOP) {
		return false
	}
	st, lerr := os.Lstat(path)
	return lerr == nil && st.Mode()&fs.ModeSymlink != 0
}

// tryLock takes an exclusive advisory lock without blocking.
func tryLock(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

func unlock(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }
