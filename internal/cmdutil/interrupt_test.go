//go:build unix

package cmdutil

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// A command that winds down gets its context cancelled with ErrInterrupted
// by the first Ctrl-C; the second ends the process with 130.
func TestInterruptsWindDown(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	intr, ctx := NewInterrupts(ctx, cancel, ios, true)
	exited := make(chan int, 1)
	intr.exit = func(code int) { exited <- code }
	defer intr.Stop()
	if got, ok := InterruptsFrom(ctx); !ok || got != intr {
		t.Fatal("the context does not carry the Interrupts")
	}
	intr.Listen()
	intr.Listen() // once

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Ctrl-C did not cancel the context")
	}
	if !errors.Is(context.Cause(ctx), ErrInterrupted) || !intr.Fired() || intr.Err() != ErrInterrupted {
		t.Fatalf("cause %v, fired %v", context.Cause(ctx), intr.Fired())
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 130 || errOut.String() != "interrupted\n" {
			t.Errorf("second Ctrl-C: exit %d, stderr %q", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second Ctrl-C did not end the process")
	}
}

// Any other command ends at once; SIGTERM says "terminated" with 143.
func TestInterruptsEndAtOnce(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	intr, _ := NewInterrupts(ctx, cancel, ios, false)
	exited := make(chan int, 1)
	intr.exit = func(code int) { exited <- code }
	defer intr.Stop()
	intr.Listen()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 143 || !strings.HasSuffix(errOut.String(), "terminated\n") || intr.Err() != ErrTerminated {
			t.Errorf("exit %d, stderr %q", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not end the process")
	}
	if ctx.Err() != nil {
		t.Error("the context was cancelled: the command would have raced the exit with its own error")
	}
}

// Without Listen nothing is installed: a nil Interrupts is safe to use.
func TestInterruptsNilSafe(t *testing.T) {
	var intr *Interrupts
	intr.Listen()
	intr.Stop()
	if intr.Fired() {
		t.Error("a nil Interrupts fired")
	}
	f := &Factory{}
	f.ListenForInterrupts()
}
