// Package deadline gives a command one time limit for its network work
// (--timeout), retries, Retry-After waits and refetches included.
//
// Most commands get a context whose deadline is fixed when they start
// (With). A command that also does long work that is not network work
// (token verify --batch checks millions of signatures) instead spends a
// Budget: only time with a request in flight counts, and every request,
// retry and wait draws on what is left.
package deadline

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// limitKey carries the limit's value and name, so an error can say which
// setting to raise ("--timeout 2s").
type limitKey struct{}

type limit struct {
	total time.Duration
	name  string
	at    time.Time
}

// withLimit bounds ctx at at, labelled with the limit. The timer behind the
// deadline starts only when something can wait on it (see lazyDeadline), so
// a command that never goes to the network pays for none.
func withLimit(ctx context.Context, total time.Duration, name string, at time.Time) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, limitKey{}, limit{total: total, name: name, at: at})
	return newLazyDeadline(ctx, at)
}

// With returns ctx bounded by timeout from now, labelled name (e.g.
// "--timeout") for messages.
func With(ctx context.Context, timeout time.Duration, name string) (context.Context, context.CancelFunc) {
	return withLimit(ctx, timeout, name, time.Now().Add(timeout))
}

// Named is the label of the limit that bounds ctx ("--timeout 2s"), when it
// is the one set by With or a Budget and not an earlier one of a caller.
func Named(ctx context.Context) (string, bool) {
	l, ok := ctx.Value(limitKey{}).(limit)
	if dl, has := ctx.Deadline(); !ok || !has || !dl.Equal(l.at) {
		return "", false
	}
	return l.name + " " + l.total.String(), true
}

// Remaining is the limit set by With or a Budget on ctx and what is left of it; ok is false when ctx has no
// such limit.
func Remaining(ctx context.Context) (total, left time.Duration, ok bool) {
	l, has := ctx.Value(limitKey{}).(limit)
	if dl, set := ctx.Deadline(); !has || !set || !dl.Equal(l.at) {
		return 0, 0, false
	}
	return l.total, time.Until(l.at), true
}

// Described is Named, or "the deadline" for a limit of unknown origin.
func Described(ctx context.Context) string {
	if s, ok := Named(ctx); ok {
		return s
	}
	return "the deadline"
}

// ExceededError is a wait or a request that was not started because it
// would end after the deadline. It matches context.DeadlineExceeded, so it
// is never retried and reads as a timeout (exit code 3).
type ExceededError struct {
	What  string        // what would have been waited for, e.g. "retrying (Retry-After: 20s)"
	Wait  time.Duration // the wait that was not started; 0 for a request
	Left  time.Duration // what was left of the limit
	Limit string        // "--timeout 2s"
}

func (e *ExceededError) Error() string {
	left := max(e.Left, 0).Round(time.Millisecond)
	if e.Wait > 0 {
		return fmt.Sprintf("waiting %s before %s would exceed %s (%s left); not waiting", e.Wait.Round(time.Millisecond), e.What, e.Limit, left)
	}
	return fmt.Sprintf("%s would exceed %s (%s left); not started", e.What, e.Limit, left)
}

func (e *ExceededError) Is(target error) bool { return target == context.DeadlineExceeded }

// CheckWait returns an *ExceededError when waiting d would end after ctx's
// deadline, so the caller can stop at once instead of sleeping into a
// timeout; nil otherwise (or when ctx has no deadline).
func CheckWait(ctx context.Context, d time.Duration, what string) error {
	dl, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	if left := time.Until(dl); d >= left {
		return &ExceededError{What: what, Wait: d, Left: left, Limit: Described(ctx)}
	}
	return nil
}

// Budget is a total time for network work, spent only while at least one
// piece of it is in flight (concurrent requests share the same seconds). It
// is safe for concurrent use.
type Budget struct {
	total time.Duration
	name  string
	now   func() time.Time

	mu     sync.Mutex
	spent  time.Duration // closed intervals with work in flight
	active int           // pieces of work in flight
	since  time.Time     // start of the current interval, when active > 0
}

// NewBudget returns a budget of total, named for messages (e.g. "--timeout");
// now (nil: time.Now) measures what is spent.
func NewBudget(total time.Duration, name string, now func() time.Time) *Budget {
	if now == nil {
		now = time.Now
	}
	return &Budget{total: total, name: name, now: now}
}

// Left is what remains of the budget.
func (b *Budget) Left() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.leftLocked(b.now())
}

func (b *Budget) leftLocked(now time.Time) time.Duration {
	left := b.total - b.spent
	if b.active > 0 {
		left -= now.Sub(b.since)
	}
	return left
}

// Start begins a piece of network work described by what: it returns ctx
// bounded by what is left of the budget (and labelled with it, so waits
// inside can tell) and a done func that stops charging it. With nothing
// left it returns an *ExceededError and starts nothing.
func (b *Budget) Start(ctx context.Context, what string) (context.Context, func(), error) {
	b.mu.Lock()
	now := b.now()
	left := b.leftLocked(now)
	if left <= 0 {
		b.mu.Unlock()
		return ctx, func() {}, &ExceededError{What: what, Left: left, Limit: b.name + " " + b.total.String()}
	}
	if b.active == 0 {
		b.since = now
	}
	b.active++
	b.mu.Unlock()

	var cancel context.CancelFunc
	if at := time.Now().Add(left); hasDeadlineBy(ctx, at) {
		ctx, cancel = context.WithCancel(ctx) // the caller's limit comes first and names itself
	} else {
		ctx, cancel = withLimit(ctx, b.total, b.name, at)
	}
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			cancel()
			b.mu.Lock()
			defer b.mu.Unlock()
			b.active--
			if b.active == 0 {
				b.spent += b.now().Sub(b.since)
			}
		})
	}, nil
}

func hasDeadlineBy(ctx context.Context, t time.Time) bool {
	dl, ok := ctx.Deadline()
	return ok && !dl.After(t)
}
