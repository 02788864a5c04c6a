//go:build !unix && !windows

package filelock

import "os"

func openNoFollow(path string, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, perm)
}

func isLinkErr(string, error) bool { return false }

// tryLock: no file locking on this platform; writers are not serialised.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) error { return nil }
