//go:build unix

package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOpenCreatesARegularFileWithItsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	f, err := Open(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", st.Mode(), err)
	}
}

// A planted link is refused and nothing is created where it points.
func TestOpenNeverFollowsALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	path := filepath.Join(dir, ".lock")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, 0o600); !errors.Is(err, ErrLink) {
		t.Fatalf("err = %v, want ErrLink", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the link's target was created: %v", err)
	}
}

// A FIFO in the lock's place is refused at once: opening it must not wait
// for a writer.
func TestOpenRefusesAFIFOWithoutBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Open(path, 0o600); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Fatalf("err = %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open blocked on a FIFO")
	}
}

// A lock another holder keeps is ErrBusy after the wait, and free again
// once released.
func TestAcquireWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	open := func() *os.File {
		f, err := Open(path, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	release, err := Acquire(context.Background(), open(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(context.Background(), open(), 30*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("second holder: err = %v, want ErrBusy", err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := Acquire(context.Background(), open(), 10*time.Second)
		if err == nil {
			r()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	release()
	if err := <-got; err != nil {
		t.Fatalf("after release: %v", err)
	}
}
