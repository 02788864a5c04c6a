package intouch_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// advancingSleep records each wait and moves the shared clock by it, so the emulator's minute turns as the
// client waits (no real time passes).
func (f *fixture) advancingSleep(_ context.Context, d time.Duration) error {
	_ = f.sleeps.Sleep(context.Background(), d)
	f.clock.Advance(d)
	return nil
}

// A 429 without Retry-After is waited out to the platform's next minute (by its Date header), not retried
// within seconds; then the client paces itself to the calls the refused minute took instead of running into
// the limit again.
func TestRateLimitWaitsForTheNextMinuteThenPaces(t *testing.T) {
	f := newFixture(t, intouchemu.Options{RateLimitPerMinute: 2}) // the clock starts at 03:04:05
	c := f.client(t, func(cfg *intouch.Config) { cfg.Sleep = f.advancingSleep })
	for i := range 5 {
		if _, err := c.ListChannelAccounts(context.Background()); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	// The third call is refused and waits to 03:05:00 plus a second's margin; the fifth is the third of that
	// minute, so it is held to 03:06:01 rather than sent to be refused.
	if got, want := f.sleeps.All(), []time.Duration{56 * time.Second, 60 * time.Second}; !equalDurations(got, want) {
		t.Errorf("waited %v, want %v", got, want)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 6 {
		t.Errorf("%d list calls reached the platform, want 6 (5 and one refused)", n)
	}
}

// A limit that refuses again after the minute turned is a sliding window: the next wait ends a minute after the
// first refusal, and after that at the next minute again.
func TestRateLimitRefusedAgainWaitsAMinuteFromTheFirstRefusal(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, func(cfg *intouch.Config) { cfg.Sleep = f.advancingSleep })
	f.emu.InjectFaults("GET /v2/org/{orgId}/sources",
		intouchemu.Fault{Status: 429, Code: 429, Message: "Too many requests"},
		intouchemu.Fault{Status: 429, Code: 429, Message: "Too many requests"},
		intouchemu.Fault{Status: 429, Code: 429, Message: "Too many requests"})
	if _, err := c.ListChannelAccounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := f.sleeps.All(), []time.Duration{56 * time.Second, 5 * time.Second, 55 * time.Second}; !equalDurations(got, want) {
		t.Errorf("waited %v, want %v", got, want)
	}
}

// When the window resets only after the command's deadline, nothing is waited for: the error says that the
// per-minute limit (not a server failure) ended the call and which --timeout would let it wait.
func TestRateLimitBeyondTheDeadlineNamesTheLimit(t *testing.T) {
	f := newFixture(t, intouchemu.Options{RateLimitPerMinute: 1})
	c := f.client(t, func(cfg *intouch.Config) { cfg.Sleep = f.advancingSleep })
	ctx, cancel := deadline.With(context.Background(), 10*time.Second, "--timeout")
	defer cancel()
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListChannelAccounts(ctx)
	var ae *intouch.APIError
	if !errors.As(err, &ae) || ae.Status != 429 || !errors.Is(err, intouch.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the 429 as unavailable and the wait as past the deadline: %v", err)
	}
	for _, want := range []string{"waiting 56s before retrying (the platform's per-minute rate limit resets by then) would exceed --timeout 10s",
		"calls per API key per minute", "--timeout 1m20s", "try again in a minute"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "server fail") {
		t.Errorf("a rate limit is not a server failure: %v", err)
	}
	if len(f.sleeps.All()) != 0 {
		t.Errorf("waited %v past the deadline", f.sleeps.All())
	}
}

// A call after a refusal whose window outlasts the deadline is not sent at all.
func TestRateLimitHeldCallPastTheDeadlineIsNotSent(t *testing.T) {
	f := newFixture(t, intouchemu.Options{RateLimitPerMinute: 1})
	c := f.client(t, func(cfg *intouch.Config) { cfg.Sleep = f.advancingSleep; cfg.MaxRetries = -1 })
	ctx := context.Background()
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListChannelAccounts(ctx); err == nil {
		t.Fatal("the second call of the minute was not refused")
	}
	short, cancel := deadline.With(ctx, 10*time.Second, "--timeout")
	defer cancel()
	before := f.emu.Count(intouchemu.RouteListSources)
	_, err := c.ListChannelAccounts(short)
	var rl *intouch.RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, intouch.ErrUnavailable) || !strings.Contains(err.Error(), "calls per API key per minute") {
		t.Fatalf("want a RateLimitError: %v", err)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != before {
		t.Errorf("the held call was sent anyway")
	}
}
