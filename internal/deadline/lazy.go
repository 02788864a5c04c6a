package deadline

import (
	"context"
	"sync"
	"time"
)

// lazyDeadline is context.WithDeadline whose timer is created on first use
// of Done, Err or Value (a child context, an HTTP request or a wait all use
// Done). Deadline alone needs no timer. A command that never goes to the
// network (version, brand list, config validate) then starts no timer and
// no network poller, and leaves no timer to stop when it returns: about a
// tenth of what `ciamctl version` cost beyond the libraries' start-up.
type lazyDeadline struct {
	parent context.Context
	at     time.Time // the earlier of the parent's deadline and this one

	once   sync.Once
	ctx    context.Context // the real deadline context, once armed
	cancel context.CancelFunc
}

func newLazyDeadline(parent context.Context, at time.Time) (context.Context, context.CancelFunc) {
	if pd, ok := parent.Deadline(); ok && pd.Before(at) {
		at = pd
	}
	c := &lazyDeadline{parent: parent, at: at}
	return c, c.stop
}

func (c *lazyDeadline) arm() {
	c.once.Do(func() { c.ctx, c.cancel = context.WithDeadline(c.parent, c.at) })
}

// stop is the CancelFunc: it stops the timer, or, when none was armed, ends
// the context as a cancelled deadline context would be, without one.
func (c *lazyDeadline) stop() {
	c.once.Do(func() { c.ctx, c.cancel = context.WithCancel(c.parent) })
	c.cancel()
}

func (c *lazyDeadline) Deadline() (time.Time, bool) { return c.at, true }
func (c *lazyDeadline) Done() <-chan struct{}       { c.arm(); return c.ctx.Done() }
func (c *lazyDeadline) Err() error                  { c.arm(); return c.ctx.Err() }

// Value arms too: context.Cause looks its answer up through Value, and it
// must be this deadline's cause once the deadline has passed.
func (c *lazyDeadline) Value(key any) any { c.arm(); return c.ctx.Value(key) }

func (c *lazyDeadline) String() string {
	return "deadline.With(" + c.at.String() + ")"
}
