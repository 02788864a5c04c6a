package hostile

import (
	"runtime"
	"testing"
	"time"
)

// Deadline is how long one case may take before it counts as a hang. It is
// generous: the suite fails on hangs, never on mere slowness.
const Deadline = 20 * time.Second

// MaxAlloc bounds the bytes one case may allocate (the 10 MiB token and the
// deep nesting must not be held or expanded).
const MaxAlloc = 64 << 20

// Bounded runs f on its own goroutine and fails t only if it does not
// finish within Deadline. With measure, it also returns the bytes allocated
// while f ran.
func Bounded[T any](t testing.TB, measure bool, what string, f func() T) (T, uint64) {
	t.Helper()
	type out struct {
		v     T
		alloc uint64
	}
	done := make(chan out, 1)
	go func() {
		var before, after runtime.MemStats
		if measure {
			runtime.GC()
			runtime.ReadMemStats(&before)
		}
		v := f()
		if measure {
			runtime.ReadMemStats(&after)
		}
		done <- out{v, after.TotalAlloc - before.TotalAlloc}
	}()
	select {
	case o := <-done:
		return o.v, o.alloc
	case <-time.After(Deadline):
		t.Fatalf("%s: no result after %s (a hang)", what, Deadline)
	}
	panic("unreachable")
}
