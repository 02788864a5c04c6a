package cli_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// fakeTime is a clock that only the injected sleep moves, shared by ciamctl and the Intouch emulator.
type fakeTime struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeTime) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeTime) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeTime) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

func (p *platform) runClock(clock *fakeTime, args ...string) clitest.Result {
	p.t.Helper()
	return clitest.Run(p.t, clitest.Opts{Env: p.env, Clock: clock.Now, Sleep: clock.Sleep}, append(args, "--dir", p.dir)...)
}

// flow login --apply against a platform allowing 2 calls per minute, right after channel link used them: with
// a --timeout that leaves room it waits for the next minute (the injected sleep moves the clock; nothing is
// timed) and creates the customer; with the default --timeout it ends at once, naming the per-minute limit
// and the --timeout that would do.
func TestFlowLoginUnderAPerMinuteRateLimit(t *testing.T) {
	t.Run("waits within --timeout", func(t *testing.T) {
		p := newPlatform(t)
		clock := &fakeTime{now: clitestNow}
		p.withIntouch(intouchemu.Options{RateLimitPerMinute: 2, Now: clock.Now})
		expectCode(t, p.runClock(clock, "channel", "link", "--brand", "acme"), 0) // list + create: the minute's 2 calls
		res := p.runClock(clock, "flow", "login", "--brand", "acme", p.token("alice"), "--apply", "--timeout", "3m")
		expectCode(t, res, 0)
		if _, ok := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "cuid", p.sub("alice")); !ok {
			t.Fatalf("customer not created:\n%s", res.Stdout)
		}
		// The lookup by cuid is refused and waits for 12:01 (plus a second); by cuid, mobile and email make
		// three lookups, so the third is refused and waits for 12:02; then the add.
		if got, want := clock.Slept(), []time.Duration{61 * time.Second, 60 * time.Second}; !slices.Equal(got, want) {
			t.Errorf("waited %v, want %v", got, want)
		}
		if n := p.emu.Count(intouchemu.RouteLookup); n != 5 {
			t.Errorf("%d lookups, want 5 (cuid refused and retried, mobile, email refused and retried)", n)
		}
	})
	t.Run("names the limit when the wait would pass --timeout", func(t *testing.T) {
		p := newPlatform(t)
		clock := &fakeTime{now: clitestNow}
		p.withIntouch(intouchemu.Options{RateLimitPerMinute: 2, Now: clock.Now})
		expectCode(t, p.runClock(clock, "channel", "link", "--brand", "acme"), 0)
		res := p.runClock(clock, "flow", "login", "--brand", "acme", p.token("alice"), "--apply")
		expectCode(t, res, 3)
		for _, want := range []string{"HTTP 429", "per-minute rate limit", "would exceed --timeout 10s", "calls per API key per minute",
			"--timeout 1m20s", "try again in a minute", "[inferred call: the reference documents lookup by mobile"} {
			if !strings.Contains(res.Stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, res.Stderr)
			}
		}
		if len(clock.Slept()) != 0 || p.emu.Count(intouchemu.RouteAddCustomer) != 0 {
			t.Errorf("waited %v or went on to create the customer", clock.Slept())
		}
	})
}
