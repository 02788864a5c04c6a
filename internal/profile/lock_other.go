//go:build !unix && !windows

package profile

import "os"

func openNoFollowCreate(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
}

// tryLock: no file locking on this platform; writers are not serialised.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) error { return nil }
