package deadline

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Asking for the deadline starts no timer; waiting on it does, and it then
// ends as context.WithDeadline would, with the same cause.
func TestWithStartsNoTimerUntilWaitedOn(t *testing.T) {
	start := time.Now()
	ctx, cancel := With(context.Background(), 30*time.Millisecond, "--timeout")
	defer cancel()
	lazy := ctx.(*lazyDeadline)
	dl, ok := ctx.Deadline()
	if !ok || dl.Before(start.Add(30*time.Millisecond)) || dl.After(time.Now().Add(30*time.Millisecond)) {
		t.Fatalf("Deadline() = %v, %v", dl, ok)
	}
	if lazy.ctx != nil {
		t.Fatal("Deadline() armed a timer")
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed at the deadline")
	}
	if lazy.ctx == nil {
		t.Fatal("Done() did not arm the timer")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Errorf("Err %v, Cause %v; want DeadlineExceeded", ctx.Err(), context.Cause(ctx))
	}
	if got, _ := Named(ctx); got != "--timeout 30ms" {
		t.Errorf("Named = %q", got)
	}
}

// A deadline that passed before anything looked is reported as passed.
func TestWithPassedBeforeFirstUse(t *testing.T) {
	ctx, cancel := With(context.Background(), time.Millisecond, "--timeout")
	defer cancel()
	time.Sleep(5 * time.Millisecond)
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("Err = %v", ctx.Err())
	}
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Errorf("Cause = %v", context.Cause(ctx))
	}
}

// Cancelling before any use ends the context as cancelled, without a timer
// ever running; cancelling after use stops the timer.
func TestWithCancel(t *testing.T) {
	for _, armFirst := range []bool{false, true} {
		ctx, cancel := With(context.Background(), time.Hour, "--timeout")
		if armFirst {
			_ = ctx.Done()
		}
		cancel()
		cancel() // twice is harmless, as for context's own
		select {
		case <-ctx.Done():
		default:
			t.Fatalf("armed first %v: Done not closed after cancel", armFirst)
		}
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Errorf("armed first %v: Err = %v", armFirst, ctx.Err())
		}
	}
}

// The parent's cancellation and earlier deadline carry through, armed or not.
func TestWithParent(t *testing.T) {
	cause := errors.New("interrupted")
	parent, stop := context.WithCancelCause(context.Background())
	ctx, cancel := With(parent, time.Hour, "--timeout")
	defer cancel()
	child, childCancel := context.WithCancel(ctx) // arms: it must hear of the end
	defer childCancel()
	stop(cause)
	<-child.Done()
	if !errors.Is(context.Cause(ctx), cause) || !errors.Is(context.Cause(child), cause) {
		t.Errorf("Cause = %v / %v, want the parent's", context.Cause(ctx), context.Cause(child))
	}

	early, earlyCancel := context.WithTimeout(context.Background(), time.Minute)
	defer earlyCancel()
	pd, _ := early.Deadline()
	ctx2, cancel2 := With(early, time.Hour, "--timeout")
	defer cancel2()
	if dl, _ := ctx2.Deadline(); !dl.Equal(pd) {
		t.Errorf("Deadline = %v, want the parent's earlier %v", dl, pd)
	}
	if lazy := ctx2.(*lazyDeadline); lazy.ctx != nil {
		t.Error("Deadline() armed a timer")
	}
	if _, ok := Named(ctx2); ok {
		t.Error("Named claims the caller's earlier deadline")
	}
}
