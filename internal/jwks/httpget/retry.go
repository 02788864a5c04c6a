package httpget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/netretry"
)

// Policy says when and for how long a failed GET is repeated. A GET is
// idempotent, so the only questions are whether another attempt may succeed
// and whether it fits in the caller's deadline (the context's): retries
// never extend it.
type Policy struct {
	MaxRetries    int           // retries after the first attempt; 0 or less: none
	Base          time.Duration // first backoff step; it doubles per retry, with equal jitter
	Cap           time.Duration // longest backoff step
	MaxRetryAfter time.Duration // longest Retry-After honoured; a longer one ends the fetch

	Sleep func(ctx context.Context, d time.Duration) error // nil: a timer that stops with ctx
	Rand  func() float64                                   // nil: math/rand/v2, in [0, 1)
	Now   func() time.Time                                 // nil: time.Now (deadline, Retry-After dates)
}

// DefaultPolicy is what Get uses: up to three retries 50-100 ms, 100-200 ms
// and 200-400 ms apart (or as Retry-After asks, up to 10 s), all within the
// caller's deadline. Key sets and discovery documents are small and served
// by CDNs or identity providers; a burst of 5xx or 429 usually clears within
// a second, and a CLI should not wait much longer than that to say so.
var DefaultPolicy = Policy{MaxRetries: 3, Base: 100 * time.Millisecond, Cap: 2 * time.Second, MaxRetryAfter: 10 * time.Second}

// Get fetches rawURL like GetOnce, repeating it as the policy allows when it
// fails in a way another attempt may not: HTTP 408, 429, 500, 502, 503 and
// 504, and connections reset or closed before a complete answer. Refused
// connections, DNS and TLS failures, refused redirects, oversized bodies and
// timeouts are final. A failure after several attempts says how many.
func (p Policy) Get(ctx context.Context, client *http.Client, rawURL string, hdr http.Header, maxBytes int64) (*Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := GetOnce(ctx, client, rawURL, hdr, maxBytes)
		if err == nil {
			return resp, nil
		}
		var he *Error
		if !errors.As(err, &he) {
			return nil, err
		}
		if final := p.Wait(ctx, attempt, he); final != nil {
			return nil, final
		}
	}
}

// Wait decides whether a GET that failed with e on its attempt-th try (from
// 1) is tried again. If so, it waits (Retry-After or backoff) and returns
// nil; if not, it returns the error to report, which says how many attempts
// were made and, when it is why, how long the server asked to wait.
func (p Policy) Wait(ctx context.Context, attempt int, e *Error) *Error {
	if attempt > p.MaxRetries || !Retryable(e) || ctx.Err() != nil {
		return e.attempts(attempt)
	}
	wait, asked := netretry.ParseRetryAfter(e.retryAfter, p.now())
	if !asked {
		wait = p.backoff(attempt - 1)
	}
	if asked && wait > p.MaxRetryAfter {
		return e.attempts(attempt).note(fmt.Sprintf("the server asks to retry after %s", wait.Round(time.Second)))
	}
	if dl, ok := ctx.Deadline(); ok && !p.now().Add(wait).Before(dl) {
		// A wait that would pass the deadline is not started: say so now
		// rather than sleep into a timeout.
		if asked {
			beyond := "beyond the time left"
			if name, ok := deadline.Named(ctx); ok {
				beyond = "which would exceed " + name
			}
			return e.attempts(attempt).note(fmt.Sprintf("the server asks to retry after %s, %s", wait.Round(time.Second), beyond))
		}
		if name, ok := deadline.Named(ctx); ok {
			return e.attempts(attempt).note("another attempt would exceed " + name)
		}
		return e.attempts(attempt)
	}
	if err := p.sleep(ctx, wait); err != nil {
		return e.attempts(attempt)
	}
	return nil
}

// StatusError is the *Error for a response with a non-2xx status, carrying
// its Retry-After for Wait.
func StatusError(resp *http.Response) *Error {
	return &Error{Cause: "HTTP " + statusText(resp), StatusCode: resp.StatusCode, Err: ErrStatus, retryAfter: resp.Header.Get("Retry-After")}
}

// Retryable reports whether another attempt of a failed GET may succeed.
func Retryable(e *Error) bool {
	if e == nil {
		return false
	}
	if errors.Is(e, ErrStatus) {
		switch e.StatusCode {
		case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
			http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return Transient(e.Err)
}

// Transient reports a transport failure that a new connection may not meet:
// the connection was reset, or closed before the answer was complete. A
// refused connection (nothing listens there), a DNS or TLS failure and a
// refused redirect would fail the same way again, and a timeout has used up
// the time, so none of them is transient.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// backoff is exponential with "equal jitter": half of each step fixed, half
// random, so clients spread out but never retry at once.
func (p Policy) backoff(retry int) time.Duration {
	return netretry.Backoff(retry, p.Base, p.Cap, p.Rand)
}

func (p Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p Policy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return netretry.Sleep(ctx, d)
}

// attempts records how many attempts were made; after more than one the
// cause says so.
func (e *Error) attempts(n int) *Error {
	c := *e
	c.Attempts = n
	if n > 1 {
		c.Cause = fmt.Sprintf("%s after %d attempts", e.Cause, n)
	}
	return &c
}

func (e *Error) note(s string) *Error {
	c := *e
	c.Cause = e.Cause + " (" + s + ")"
	return &c
}
