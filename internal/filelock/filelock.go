// Package filelock is the one cross-process lock of ciamctl's writers (the
// brand workspace, the credential profiles): a lock file opened without
// following a link, held with the OS's advisory lock, waited for within a
// bound. The kernel drops the lock when its process dies, so a killed
// ciamctl never leaves anything locked.
package filelock

import (
	"context"
	"errors"
	"os"
	"time"
)

var (
	// ErrLink is a lock file that is a symbolic link: never followed, so a
	// planted link cannot make ciamctl create or lock a file elsewhere.
	ErrLink = errors.New("is a symbolic link")
	// ErrNotRegular is a lock file that is not a regular file (a FIFO or a
	// device in its place).
	ErrNotRegular = errors.New("is not a regular file")
	// ErrBusy is a lock another process held for the whole wait.
	ErrBusy = errors.New("held by another ciamctl process")
)

// Open opens (or creates, with perm) the lock file at path without
// following a link and without blocking on a FIFO, and only if it is a
// regular file. Its errors wrap ErrLink or ErrNotRegular, or are the OS's.
func Open(path string, perm os.FileMode) (*os.File, error) {
	f, err := openNoFollow(path, perm)
	if isLinkErr(path, err) {
		return nil, ErrLink
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = ErrNotRegular
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Acquire takes f's exclusive lock, polling while another process holds it,
// for at most wait (or until ctx ends): ErrBusy then. release unlocks and
// closes f; on error f is closed already.
func Acquire(ctx context.Context, f *os.File, wait time.Duration) (release func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	delay := 5 * time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		if ok {
			return func() { _ = unlock(f); f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ErrBusy
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}
