package intouch

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
)

// The platform limits calls per API key per minute and answers HTTP 429 beyond it; it documents neither a
// Retry-After header nor whether the minute is the clock's or a sliding one. So after a refusal the client holds
// every call back until the window can have reset: first until the platform's next minute boundary (read from
// its Date header, else our clock), and if that is refused too, until 60 s after the first refusal, by when a
// sliding window has emptied as well (then the next boundary again). Having seen where the limit lies, it paces later minutes to as many calls
// as the refused minute accepted, rather than running into the limit again.
const (
	rateWindow = time.Minute
	// rateMargin covers the Date header's one-second resolution and the request's travel time.
	rateMargin = time.Second
)

// rateLimitWait completes "waiting 56s before …" in messages.
const rateLimitWait = "retrying (the platform's per-minute rate limit resets by then)"

// rateGate is shared by every call of one client.
type rateGate struct {
	mu   sync.Mutex
	skew time.Duration // the platform's clock minus ours, from the last Date header seen

	openAt       time.Time // no call is sent before this
	firstRefused time.Time // the refusal no accepted call has followed yet; zero when none

	minute    time.Time // the platform minute the count is for
	sent      int       // calls sent in that minute
	perMinute int       // calls the refused minute accepted, once learned; 0: not known
}

// platformMinute is the platform's clock minute that t (ours) falls in.
func (g *rateGate) platformMinute(t time.Time) time.Time { return t.Add(g.skew).Truncate(rateWindow) }

// nextMinute is when (our clock) the platform's next minute after t has surely begun.
func (g *rateGate) nextMinute(t time.Time) time.Time {
	return g.platformMinute(t).Add(rateWindow).Add(-g.skew).Add(rateMargin)
}

// reserve counts a call about to be sent and returns how long to hold it first: until a refusal's window can
// have reset, and, once the limit is known, until the next minute when this one has had its calls.
func (g *rateGate) reserve(now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	at := now
	if g.openAt.After(at) {
		at = g.openAt
	}
	m := g.platformMinute(at)
	if g.perMinute > 0 && m.Equal(g.minute) && g.sent >= g.perMinute {
		at = g.nextMinute(at)
		m = g.platformMinute(at)
	}
	if !m.Equal(g.minute) {
		g.minute, g.sent = m, 0
	}
	g.sent++
	return at.Sub(now)
}

// refused records a rate-limit refusal without Retry-After, answered at now with the platform's Date header, and
// returns how long to wait before trying again.
func (g *rateGate) refused(now time.Time, date string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t, err := http.ParseTime(date); err == nil {
		g.skew = t.Sub(now).Truncate(time.Second)
	}
	open := g.nextMinute(now)
	if g.firstRefused.IsZero() {
		g.firstRefused = now
		// This minute's other calls went through: that many is what the key may send (at least; other
		// clients of the key may have used some).
		if accepted := g.sent - 1; accepted > 0 && g.platformMinute(now).Equal(g.minute) {
			g.perMinute = accepted
		}
	} else if later := g.firstRefused.Add(rateWindow).Add(rateMargin); later.After(now) {
		// Refused again after the minute turned: the window slides, and it has emptied of every call
		// before the first refusal a minute after it.
		open = later
	}
	g.openAt = open
	return open.Sub(now)
}

// holdUntil holds every call until t (the platform's Retry-After).
func (g *rateGate) holdUntil(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.openAt = t
}

// accepted records an answer that was not a rate-limit refusal. A call that was held and then accepted shows
// the window has reset: calls need not wait for the rest of the hold (a call sent before the hold and answered
// after it shows nothing).
func (g *rateGate) accepted(held bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.firstRefused = time.Time{}
	if held {
		g.openAt = time.Time{}
	}
}

// isRateLimited: HTTP 429, or the unverified body code 517 an earlier brief named.
func isRateLimited(status int, apiErr *APIError) bool {
	return status == http.StatusTooManyRequests || (apiErr != nil && apiErr.HasCode(CodeRateLimited))
}

// rateLimitHint says what to do when waiting for the window would pass the command's deadline: a --timeout
// that leaves room for the wait, or a later run.
func rateLimitHint(ctx context.Context, wait time.Duration) string {
	const what = "the platform limits calls per API key per minute"
	const raise = "; if it keeps happening, ask the platform team to raise the key's limit"
	total, left, ok := deadline.Remaining(ctx)
	if !ok {
		return what + ": try again in a minute" + raise
	}
	// What the command has used, the wait, and room for the calls after it, in whole ten seconds.
	need := (total - left) + wait + 15*time.Second
	suggest := time.Duration(math.Ceil(need.Seconds()/10)) * 10 * time.Second
	return fmt.Sprintf("%s: run the command again with --timeout %s to wait for the next minute, or try again in a minute%s", what, shortDuration(suggest), raise)
}

// shortDuration writes 1m10s rather than 1m10.000s or 1m10s0ms.
func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}

// RateLimitError is a call not sent because an earlier one was refused for the platform's per-minute rate limit
// and the window would reset only after the command's deadline.
type RateLimitError struct {
	Method, URL string // URL without its query
	Wait        time.Duration
	Hint        string
	Err         error // the *deadline.ExceededError
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("intouch: %s %s: not sent: the platform refused an earlier call for its rate limit (calls per API key per minute), and %s; %s",
		e.Method, e.URL, e.Err.Error(), e.Hint)
}

func (e *RateLimitError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }
