package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/ciamctl/ciamctl/internal/filelock"
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
	f, err := filelock.Open(path, 0o600)
	switch {
	case errors.Is(err, filelock.ErrLink):
		return nil, &UnsafeError{path, "is a symbolic link", "remove it"}
	case errors.Is(err, filelock.ErrNotRegular):
		return nil, &UnsafeError{path, "is not a regular file", "remove it"}
	case err != nil:
		return nil, &ioError{"open", path, err}
	}
	release, err = filelock.Acquire(ctx, f, lockWait)
	switch {
	case errors.Is(err, filelock.ErrBusy):
		return nil, &ioError{"lock", path, errors.New("another ciamctl process holds it")}
	case err != nil:
		return nil, &ioError{"lock", path, err}
	}
	return release, nil
}
