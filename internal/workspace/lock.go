package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ciamctl/ciamctl/internal/filelock"
)

// LockFile is the name of the lock file inside a workspace.
const LockFile = ".ciamctl.lock"

// lockWait bounds how long a writer waits for another ciamctl to finish.
var lockWait = 15 * time.Second

// openLock opens (or creates) the lock file without following a link: a
// planted .ciamctl.lock link must not make ciamctl create or lock a file
// elsewhere. It must be a regular file; anything else is refused with what
// to do.
func openLock(path string) (*os.File, error) {
	f, err := filelock.Open(path, 0o644)
	switch {
	case errors.Is(err, filelock.ErrLink):
		return nil, fmt.Errorf("workspace lock %s is a symbolic link, which ciamctl never follows (remove it): %w", path, ErrIO)
	case errors.Is(err, filelock.ErrNotRegular):
		return nil, fmt.Errorf("workspace lock %s is not a regular file (remove it): %w", path, ErrIO)
	case err != nil:
		return nil, IOError("open the workspace lock", path, err)
	}
	return f, nil
}

// lock serialises writers of one workspace across processes. Callers hold it
// around read-check-write sequences so two writers never lose each other's work.
func (s *Store) lock(ctx context.Context) (release func(), err error) {
	path := filepath.Join(s.Dir, LockFile)
	f, err := openLock(path)
	if err != nil {
		return nil, err
	}
	release, err = filelock.Acquire(ctx, f, lockWait)
	switch {
	case errors.Is(err, filelock.ErrBusy):
		return nil, fmt.Errorf("workspace %s is locked by another ciamctl process (waited %s): %w", s.Dir, lockWait, ErrIO)
	case err != nil:
		return nil, IOError("lock workspace", s.Dir, err)
	}
	return release, nil
}
