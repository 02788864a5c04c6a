package jwks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
)

// budgetClock is the budget's clock: a request handler moves it to stand
// for time spent on the network, so no test waits.
type budgetClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *budgetClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *budgetClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// deadlines records the deadline each request's context carried.
type deadlines struct {
	mu   sync.Mutex
	seen []time.Time
	next http.RoundTripper
}

func (d *deadlines) RoundTrip(r *http.Request) (*http.Response, error) {
	dl, _ := r.Context().Deadline()
	d.mu.Lock()
	d.seen = append(d.seen, dl)
	d.mu.Unlock()
	return d.next.RoundTrip(r)
}

// An unknown-kid refetch gets what the first load left of --timeout, not a
// second full timeout: its request must end no later than the first one's
// could have.
func TestRefetchSharesTheBudget(t *testing.T) {
	clk := &budgetClock{t: testNow}
	srv := newJWKSServer(t, nil)
	srv.set(func(w http.ResponseWriter, r *http.Request) {
		// The first load took half the 2s. The refetch's second (real time)
		// is room for a loopback request on a loaded machine, and still ends
		// before the first load's deadline unless a second passes between them.
		clk.advance(1000 * time.Millisecond)
		serve(goodSetJSON(t))(w, r)
	})
	rec := &deadlines{next: srv.Client().Transport}
	f := &Fetcher{Client: &http.Client{Transport: rec}, NoCache: true, Retry: &fastRetry,
		Budget: deadline.NewBudget(2*time.Second, "--timeout", clk.now)}
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	srv.set(serve(goodSetJSON(t)))
	if _, err := f.Refresh(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if len(rec.seen) != 2 {
		t.Fatalf("%d requests, want 2", len(rec.seen))
	}
	if first, refetch := rec.seen[0], rec.seen[1]; first.IsZero() || !refetch.Before(first) {
		t.Errorf("the refetch could run until %s, past the first load's deadline %s: it got a second timeout",
			refetch.Format(time.StampMilli), first.Format(time.StampMilli))
	}
}

// When the first load used the whole budget, the refetch is not sent at
// all, and the error says --timeout is why.
func TestRefetchNotStartedWhenTheBudgetIsSpent(t *testing.T) {
	clk := &budgetClock{t: testNow}
	srv := newJWKSServer(t, nil)
	srv.set(func(w http.ResponseWriter, r *http.Request) {
		clk.advance(2500 * time.Millisecond)
		serve(goodSetJSON(t))(w, r)
	})
	f := &Fetcher{Client: srv.Client(), NoCache: true, Retry: &fastRetry,
		Budget: deadline.NewBudget(2*time.Second, "--timeout", clk.now)}
	if _, err := f.Load(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	_, err := f.Refresh(t.Context(), srv.URL)
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1: the refetch was sent", n)
	}
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "refetching the key set would exceed --timeout 2s") {
		t.Errorf("err = %v", err)
	}
}
