package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"
)

// LockFile serialises writers of one config directory across processes,
// as the workspace lock does for brand files: two logins at once must not
// lose each other's profile or secret.
const LockFile = ".lock"

// lockWait bounds the wait for another ciamctl when ctx has no deadline.
const lockWait = 15 * time.Second

// lock takes the directory's lock (creating the directory 0700 and the lock
// 0600), waiting for another holder within ctx.
func (s *Store) lock(ctx context.Context) (release func(), err error) {
	if err := checkDir(s.Dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, &ioError{"create", s.Dir, err}
	}
	path := filepath.Join(s.Dir, LockFile)
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	delay := 5 * time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, &ioError{"lock", path, err}
		}
		if ok {
			return func() { _ = unlock(f); f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, &ioError{"lock", path, errors.New("another ciamctl process holds it")}
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// openLockFile opens (or creates) the lock without following a link, and
// only if it is a regular file.
func openLockFile(path string) (*os.File, error) {
	f, err := openNoFollowCreate(path)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, &UnsafeError{path, "is a symbolic link", "remove it"}
		}
		return nil, &ioError{"open", path, err}
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &UnsafeError{path, "is not a regular file", "remove it"}
	}
	return f, nil
}
