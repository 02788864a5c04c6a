// Package netretry holds what every retrying client here shares: reading a
// server's Retry-After and waiting without outliving the context.
package netretry

import (
	"context"
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
