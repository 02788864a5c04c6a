package deadline

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Only time with work in flight is spent, and overlapping work is counted
// once: 64 concurrent fetches of one second spend one second, not 64.
func TestBudgetSpendsWallTimeWithWorkInFlight(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	b := NewBudget(10*time.Second, "--timeout", clk.now)
	var dones []func()
	for range 64 {
		_, done, err := b.Start(context.Background(), "fetching")
		if err != nil {
			t.Fatal(err)
		}
		dones = append(dones, done)
	}
	clk.advance(time.Second)
	for _, d := range dones {
		d()
		d() // done twice charges once
	}
	clk.advance(time.Hour) // nothing in flight: CPU work, reading input
	if got := b.Left(); got != 9*time.Second {
		t.Errorf("left %s, want 9s", got)
	}
	_, done, _ := b.Start(context.Background(), "refetching")
	clk.advance(9 * time.Second)
	done()
	_, _, err := b.Start(context.Background(), "refetching the key set")
	var ee *ExceededError
	if !errors.As(err, &ee) || !errors.Is(err, context.DeadlineExceeded) ||
		err.Error() != "refetching the key set would exceed --timeout 10s (0s left); not started" {
		t.Errorf("spent budget: %v", err)
	}
}

// The context of a piece of work ends when the budget would, and names it;
// a caller's earlier deadline is left alone and not claimed.
func TestBudgetContext(t *testing.T) {
	b := NewBudget(time.Hour, "--timeout", nil)
	ctx, done, err := b.Start(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if name, ok := Named(ctx); !ok || name != "--timeout 1h0m0s" {
		t.Errorf("Named = %q %v", name, ok)
	}
	parent, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx2, done2, _ := b.Start(parent, "y")
	defer done2()
	if _, ok := Named(ctx2); ok {
		t.Error("the caller's earlier deadline was named as the budget")
	}
	if dl, _ := ctx2.Deadline(); dl.After(time.Now().Add(time.Minute)) {
		t.Error("the caller's deadline was extended")
	}
}

func TestCheckWait(t *testing.T) {
	if err := CheckWait(context.Background(), time.Hour, "retrying"); err != nil {
		t.Errorf("no deadline: %v", err)
	}
	ctx, cancel := With(context.Background(), 2*time.Second, "--timeout")
	defer cancel()
	err := CheckWait(ctx, 20*time.Second, "retrying (Retry-After)")
	if err == nil || !strings.HasPrefix(err.Error(), "waiting 20s before retrying (Retry-After) would exceed --timeout 2s (") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if err := CheckWait(ctx, time.Millisecond, "retrying"); err != nil {
		t.Errorf("a wait within the deadline: %v", err)
	}
}

// Remaining reports the limit With set and what is left of it; a context without one, or bounded by a caller's
// earlier deadline, has none to report.
func TestRemaining(t *testing.T) {
	ctx, cancel := With(context.Background(), 10*time.Second, "--timeout")
	defer cancel()
	total, left, ok := Remaining(ctx)
	if !ok || total != 10*time.Second || left <= 0 || left > 10*time.Second {
		t.Errorf("Remaining = %s, %s, %v", total, left, ok)
	}
	if _, _, ok := Remaining(context.Background()); ok {
		t.Error("no limit reported as one")
	}
	earlier, cancel2 := context.WithTimeout(ctx, time.Second)
	defer cancel2()
	if _, _, ok := Remaining(earlier); ok {
		t.Error("a caller's earlier deadline reported as --timeout")
	}
}
