// Package netretry holds what every retrying client here shares: the
// backoff between attempts, reading a server's Retry-After, and waiting
// without outliving the context.
package netretry

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps what ParseRetryAfter returns: anything longer means
// "much later", and the cap keeps the conversion from overflowing.
const maxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads a Retry-After value (RFC 9110 §10.2.3): delta-seconds
// or an HTTP date, relative to now. ok is false when the value is absent or
// not one of those.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// Backoff is the wait before retry number retry (0 for the first):
// exponential from base, capped at max when max > 0, with "equal jitter":
// half the step fixed, half random from rnd (nil: math/rand), so concurrent
// clients spread out but never retry at once.
func Backoff(retry int, base, max time.Duration, rnd func() float64) time.Duration {
	d := base << min(retry, 16)
	if max > 0 && (d > max || d <= 0) {
		d = max
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	half := d / 2
	return half + time.Duration(rnd()*float64(half))
}

// Sleep waits d, or returns the context's error as soon as it is done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
