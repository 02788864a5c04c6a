package intouch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// clock is a fake time source shared by the client and the emulator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sleeps records requested delays instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type fixture struct {
	emu    *intouchemu.Server
	srv    *httptest.Server
	clock  *clock
	sleeps *sleeps
	debug  *bytes.Buffer
}

func newFixture(t *testing.T, opts intouchemu.Options) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, sleeps: &sleeps{}, debug: &bytes.Buffer{}}
	opts.Now = f.clock.Now
	f.emu = intouchemu.New(opts)
	f.srv = httptest.NewServer(f.emu.Handler())
	t.Cleanup(func() { f.emu.Close(); f.srv.Close() })
	return f
}

// config returns a client config for the emulator with OAuth credentials.
func (f *fixture) config() intouch.Config {
	o := f.emu.Options()
	return intouch.Config{
		BaseURL: f.srv.URL, OrgID: o.OrgID, ClientKey: o.ClientKey, ClientSecret: o.ClientSecret,
		HTTPClient: f.srv.Client(), Now: f.clock.Now, Sleep: f.sleeps.Sleep, Debug: f.debug,
	}
}

func (f *fixture) client(t *testing.T, mod func(*intouch.Config)) *intouch.Client {
	t.Helper()
	cfg := f.config()
	if mod != nil {
		mod(&cfg)
	}
	c, err := intouch.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// linkAccount creates the OAUTH_EXTERNAL account customer calls need.
func (f *fixture) linkAccount(t *testing.T, c *intouch.Client) string {
	t.Helper()
	acc, err := c.CreateChannelAccount(context.Background(), "acme loyalty", "acme-oauth")
	if err != nil {
		t.Fatalf("CreateChannelAccount: %v", err)
	}
	return acc.SourceAccountIdentifier
}

func newCustomer(accountID, cuid string) intouch.AddCustomerRequest {
	return intouch.BuildAddCustomer(intouch.NewCustomer{CUID: cuid, FirstName: "Ada", LastName: "Lovelace",
		Mobile: "447700900123", Email: "ada@example.com", AccountID: accountID})
}

func TestTokenMintedOnceAndCached(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	for range 3 {
		if _, err := c.ListChannelAccounts(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.emu.Count(intouchemu.RouteToken); n != 1 {
		t.Errorf("token minted %d times, want 1", n)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 3 {
		t.Errorf("list called %d times, want 3", n)
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	f := newFixture(t, intouchemu.Options{TokenTTL: 300 * time.Second})
	c := f.client(t, nil)
	ctx := context.Background()
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(200 * time.Second) // still comfortably valid: reuse
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(80 * time.Second) // 20s left: inside the refresh margin
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.emu.Count(intouchemu.RouteToken); n != 2 {
		t.Errorf("token minted %d times, want 2", n)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 3 {
		t.Errorf("list called %d times, want 3 (no 401 round trip)", n)
	}
}

func TestReMintOnceOn401(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	ctx := context.Background()
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	f.emu.RevokeTokens()
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if n := f.emu.Count(intouchemu.RouteToken); n != 2 {
		t.Errorf("token minted %d times, want 2", n)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 3 {
		t.Errorf("list called %d times, want 3 (ok, 401, retry)", n)
	}
	if len(f.sleeps.All()) != 0 {
		t.Errorf("a re-mint must not back off: slept %v", f.sleeps.All())
	}
}

func TestPersistent401SurfacedWithHint(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	f.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Status: 401}, intouchemu.Fault{Status: 401}, intouchemu.Fault{Status: 401})
	_, err := c.ListChannelAccounts(context.Background())
	if !errors.Is(err, intouch.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	var ae *intouch.APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Hint == "" {
		t.Fatalf("want *APIError 401 with a hint, got %#v", err)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 2 {
		t.Errorf("list called %d times, want 2 (one re-mint, one retry)", n)
	}
	if n := f.emu.Count(intouchemu.RouteToken); n != 2 {
		t.Errorf("token minted %d times, want 2", n)
	}
}

func TestBadCredentials(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	t.Run("oauth", func(t *testing.T) {
		c := f.client(t, func(c *intouch.Config) { c.ClientSecret = "wrong-secret-value" })
		_, err := c.ListChannelAccounts(context.Background())
		if !errors.Is(err, intouch.ErrAuth) {
			t.Fatalf("err = %v, want ErrAuth", err)
		}
		if !strings.Contains(err.Error(), intouch.EnvClientSecret) || strings.Contains(err.Error(), "wrong-secret-value") {
			t.Errorf("error should name the variable, never the value: %v", err)
		}
		if n := f.emu.Count(intouchemu.RouteToken); n != 1 {
			t.Errorf("a refused token request must not be retried: %d calls", n)
		}
	})
	t.Run("basic", func(t *testing.T) {
		c := f.client(t, func(c *intouch.Config) {
			c.ClientKey, c.ClientSecret = "", ""
			c.Username, c.Password = f.emu.Options().Username, "not-the-password"
		})
		_, err := c.ListChannelAccounts(context.Background())
		if !errors.Is(err, intouch.ErrAuth) || !strings.Contains(err.Error(), intouch.EnvPassword) {
			t.Fatalf("err = %v, want ErrAuth naming %s", err, intouch.EnvPassword)
		}
		if strings.Contains(err.Error(), "not-the-password") {
			t.Errorf("password leaked into error: %v", err)
		}
	})
}

func TestBasicAuthWorks(t *testing.T) {
	f := newFixture(t, intouchemu.Options{Password: "123"})
	// base64("u:202cb962ac59075b964b07152d234b70"), the md5 of "123" from the platform docs.
	if got, want := intouch.BasicAuthValue("u", "123"), "Basic dToyMDJjYjk2MmFjNTkwNzViOTY0YjA3MTUyZDIzNGI3MA=="; want != got {
		t.Errorf("BasicAuthValue = %s", got)
	}
	c := f.client(t, func(c *intouch.Config) {
		c.ClientKey, c.ClientSecret = "", ""
		c.Username, c.Password = f.emu.Options().Username, "123"
	})
	if _, err := c.ListChannelAccounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.emu.Count(intouchemu.RouteToken); n != 0 {
		t.Errorf("basic auth must not mint tokens: %d", n)
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	date := f.clock.Now().Add(5 * time.Second).Format(http.TimeFormat)
	f.emu.InjectFaults("GET /v2/org/*/sources",
		intouchemu.Fault{Status: 429, RetryAfter: "2"},
		intouchemu.Fault{Status: 429, RetryAfter: date},
		intouchemu.Fault{Status: 429, RetryAfter: "1"})
	if _, err := c.ListChannelAccounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{2 * time.Second, 5 * time.Second, 1 * time.Second}
	if got := f.sleeps.All(); !equalDurations(got, want) {
		t.Errorf("slept %v, want %v", got, want)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 4 {
		t.Errorf("list called %d times, want 4", n)
	}
}

func TestRetryAfterTooLongGivesUp(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	f.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Status: 429, RetryAfter: "3600"})
	_, err := c.ListChannelAccounts(context.Background())
	if !errors.Is(err, intouch.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if len(f.sleeps.All()) != 0 {
		t.Errorf("must not sleep an hour: %v", f.sleeps.All())
	}
}

func TestPOST503BurstThenSuccess(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	f.emu.InjectFaults("POST /v2/customers", intouchemu.Fault{Status: 503}, intouchemu.Fault{Status: 503}, intouchemu.Fault{Status: 521})
	res, err := c.AddCustomer(context.Background(), newCustomer(acc, "2b7c3c1e-0000-4000-8000-000000000001"))
	if err != nil {
		t.Fatal(err)
	}
	if res.CreatedID == 0 {
		t.Error("no createdId")
	}
	got := f.sleeps.All()
	if len(got) != 3 {
		t.Fatalf("slept %v, want 3 backoffs", got)
	}
	for i, d := range got { // equal jitter: between half and all of 500ms·2^i
		lo, hi := (500*time.Millisecond<<i)/2, 500*time.Millisecond<<i
		if d < lo || d > hi {
			t.Errorf("backoff %d = %v, want within [%v, %v]", i, d, lo, hi)
		}
	}
	if n := f.emu.Count(intouchemu.RouteAddCustomer); n != 4 {
		t.Errorf("add called %d times, want 4", n)
	}
	if n := len(f.emu.Customers()); n != 1 {
		t.Errorf("%d customers, want 1", n)
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	for range 4 {
		f.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Status: 503})
	}
	_, err := c.ListChannelAccounts(context.Background())
	if !errors.Is(err, intouch.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	var ae *intouch.APIError
	if !errors.As(err, &ae) || ae.Status != 503 || ae.RequestID == "" || ae.Attempts != 4 {
		t.Errorf("want APIError 503 with request id after 4 attempts, got %#v", err)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 4 {
		t.Errorf("list called %d times, want 1 + 3 retries", n)
	}
}

func TestGET500RetriedButPOST500Not(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	ctx := context.Background()

	f.emu.InjectFaults("GET /v2/customers/lookup", intouchemu.Fault{Status: 500})
	if _, found, err := c.LookupCustomer(ctx, intouch.SourceOAuthExternal, acc, intouch.IdentifierCUID, "nobody"); err != nil || found {
		t.Fatalf("lookup after a 500: found=%v err=%v", found, err)
	}
	if n := f.emu.Count(intouchemu.RouteLookup); n != 2 {
		t.Errorf("GET called %d times, want 2", n)
	}

	// The write commits, then the answer is a 500: repeating it would duplicate the customer.
	f.emu.InjectFaults("POST /v2/customers", intouchemu.Fault{Status: 500, AfterApply: true})
	_, err := c.AddCustomer(ctx, newCustomer(acc, "cuid-500"))
	if !errors.Is(err, intouch.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := f.emu.Count(intouchemu.RouteAddCustomer); n != 1 {
		t.Errorf("POST sent %d times, want exactly 1", n)
	}
	if _, found, err := c.LookupCustomer(ctx, intouch.SourceOAuthExternal, acc, intouch.IdentifierCUID, "cuid-500"); err != nil || !found {
		t.Errorf("the customer should exist once: found=%v err=%v", found, err)
	}
}

func TestNoRetryOfPOSTAfterClientTimeout(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	f.emu.InjectFaults("POST /v2/customers", intouchemu.Fault{Hang: true})
	hc := f.srv.Client()
	hc.Timeout = 300 * time.Millisecond
	c = f.client(t, func(cfg *intouch.Config) { cfg.HTTPClient = hc })
	_, err := c.AddCustomer(context.Background(), newCustomer(acc, "cuid-timeout"))
	if !errors.Is(err, intouch.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "may have been applied") {
		t.Errorf("the error should warn that the POST may have been applied: %v", err)
	}
	if n := f.emu.Count(intouchemu.RouteAddCustomer); n != 1 {
		t.Errorf("emulator saw %d POSTs, want exactly 1", n)
	}
	if len(f.sleeps.All()) != 0 {
		t.Errorf("no backoff expected: %v", f.sleeps.All())
	}
}

// A refused connection is final: nothing listens there, and retrying would only delay saying so.
func TestConnectionRefusedIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	s := &sleeps{}
	c, err := intouch.New(intouch.Config{BaseURL: url, OrgID: "1", Username: "u", Password: "p", Sleep: s.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListChannelAccounts(context.Background())
	if !errors.Is(err, intouch.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if want := "listing channel accounts of org 1: intouch: API unavailable: GET " + url + "/v2/org/1/sources: connection refused"; err.Error() != want {
		t.Errorf("message\n got %q\nwant %q", err, want)
	}
	if len(s.All()) != 0 {
		t.Errorf("retried %d times, want none", len(s.All()))
	}
}

// dropping serves a request by closing the connection without an answer, drops times, then passes to next.
func dropping(drops int, next http.Handler) (http.Handler, *atomic.Int32) {
	var hits atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(hits.Add(1)) <= drops {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	}), &hits
}

// A connection dropped before the answer is retried for a GET (a new connection may do), and the error after
// the last attempt says what happened and how often.
func TestDroppedConnectionRetriedForGET(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	h, hits := dropping(2, f.emu.Handler())
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := f.client(t, func(cfg *intouch.Config) { cfg.BaseURL = srv.URL; cfg.HTTPClient = srv.Client() })
	if _, err := c.ListChannelAccounts(context.Background()); err != nil {
		t.Fatalf("after two dropped connections: %v", err)
	}
	if n := hits.Load(); n != 4 { // the token call is dropped twice, then mints; then the list
		t.Errorf("%d requests, want 4", n)
	}

	h, _ = dropping(100, f.emu.Handler())
	down := httptest.NewServer(h)
	defer down.Close()
	c = f.client(t, func(cfg *intouch.Config) {
		cfg.BaseURL, cfg.HTTPClient, cfg.ClientKey, cfg.ClientSecret = down.URL, down.Client(), "", ""
		cfg.Username, cfg.Password = "u", "p"
	})
	_, err := c.ListChannelAccounts(context.Background())
	org := f.emu.Options().OrgID
	want := "listing channel accounts of org " + org + ": intouch: API unavailable: GET " + down.URL + "/v2/org/" + org + "/sources: connection closed before a complete answer after 4 attempts"
	if !errors.Is(err, intouch.ErrUnavailable) || err.Error() != want {
		t.Errorf("err\n got %v\nwant %s", err, want)
	}
}

// A POST whose connection dropped after it was sent may have been applied: it is not repeated.
func TestDroppedConnectionNotRetriedForPOST(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	h, hits := dropping(1, f.emu.Handler())
	srv := httptest.NewServer(h)
	defer srv.Close()
	c = f.client(t, func(cfg *intouch.Config) {
		cfg.BaseURL, cfg.HTTPClient, cfg.ClientKey, cfg.ClientSecret = srv.URL, srv.Client(), "", ""
		cfg.Username, cfg.Password = f.emu.Options().Username, f.emu.Options().Password
	})
	_, err := c.AddCustomer(context.Background(), newCustomer(acc, "cuid-drop"))
	if !errors.Is(err, intouch.ErrUnavailable) || !strings.Contains(err.Error(), "may have been applied") {
		t.Errorf("err = %v", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("POST sent %d times, want once", n)
	}
}

// A GET that timed out is not repeated: it used up the timeout, and repeating would multiply the wait.
func TestTimedOutGETNotRetried(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	f.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Hang: true}, intouchemu.Fault{Hang: true})
	hc := f.srv.Client()
	hc.Timeout = 200 * time.Millisecond
	c := f.client(t, func(cfg *intouch.Config) { cfg.HTTPClient = hc })
	_, err := c.ListChannelAccounts(context.Background())
	if !errors.Is(err, intouch.ErrUnavailable) || !strings.HasSuffix(err.Error(), "/sources: timed out") {
		t.Errorf("err = %v", err)
	}
	if n := f.emu.Count(intouchemu.RouteListSources); n != 1 || len(f.sleeps.All()) != 0 {
		t.Errorf("list sent %d times with backoff %v, want once and none", n, f.sleeps.All())
	}
}

// API errors name the URL called, without its query (lookups carry identifiers there).
func TestAPIErrorNamesTheURL(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, func(cfg *intouch.Config) { cfg.MaxRetries = -1 })
	acc := f.linkAccount(t, c)
	f.emu.InjectFaults("GET /v2/customers/lookup", intouchemu.Fault{Status: 503})
	_, _, err := c.LookupCustomer(context.Background(), intouch.SourceOAuthExternal, acc, intouch.IdentifierEmail, "ada@example.com")
	if err == nil || !strings.Contains(err.Error(), "GET "+f.srv.URL+"/v2/customers/lookup: HTTP 503") || strings.Contains(err.Error(), "ada@") {
		t.Errorf("err = %v", err)
	}
}

func TestErrorsSurfacedWhateverTheStatus(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	ctx := context.Background()
	if _, err := c.AddCustomer(ctx, newCustomer(acc, "cuid-dup")); err != nil {
		t.Fatal(err)
	}
	_, err := c.AddCustomer(ctx, newCustomer(acc, "cuid-dup"))
	var ae *intouch.APIError
	if !errors.As(err, &ae) || ae.Code != intouch.CodeDuplicateInSource || ae.Message == "" || ae.RequestID == "" {
		t.Fatalf("want APIError 8006 with message and request id, got %v", err)
	}
	if !intouch.IsCode(err, 8006) || strings.Contains(ae.Error(), "\n") {
		t.Errorf("Error() must be one line with the code: %q", ae.Error())
	}

	// errors[] in a 200 is still an error.
	f.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Status: 200, Code: 1234, Message: "something odd"})
	_, err = c.ListChannelAccounts(ctx)
	if !intouch.IsCode(err, 1234) || !strings.Contains(err.Error(), "something odd") {
		t.Errorf("errors[] in a 200 not surfaced: %v", err)
	}

	// Body code 517 (rate limit) is retried whatever the status.
	f.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Status: 400, Code: 517})
	if _, err := c.ListChannelAccounts(ctx); err != nil {
		t.Errorf("517 should be retried: %v", err)
	}

	// accountId missing: 8045.
	_, _, err = c.LookupCustomer(ctx, intouch.SourceOAuthExternal, "", intouch.IdentifierCUID, "x")
	if !intouch.IsCode(err, intouch.CodeAccountIDMissing) {
		t.Errorf("want 8045, got %v", err)
	}
}

func TestCustomerJourney(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	ctx := context.Background()

	all, err := c.ListChannelAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := intouch.FindOAuthExternal(all, "", ""); ok {
		t.Fatal("no OAUTH_EXTERNAL account expected before linking")
	}
	acc := f.linkAccount(t, c)
	all, _ = c.ListChannelAccounts(ctx)
	got, ok := intouch.FindOAuthExternal(all, acc, "")
	if !ok || got.Name != "acme loyalty" || !got.IsActive {
		t.Fatalf("linked account not listed: %+v", all)
	}

	const cuid = "6f1c2a4e-93d1-4c7b-9a55-0e4f3b2d1c00"
	res, err := c.AddCustomer(ctx, newCustomer(acc, cuid))
	if err != nil || res.Merged() {
		t.Fatalf("add: %+v %v", res, err)
	}
	id, found, err := c.LookupCustomer(ctx, intouch.SourceOAuthExternal, acc, intouch.IdentifierCUID, cuid)
	if err != nil || !found || id != res.CreatedID {
		t.Fatalf("lookup: id=%d found=%v err=%v", id, found, err)
	}
	if _, found, err := c.LookupCustomer(ctx, intouch.SourceOAuthExternal, acc, intouch.IdentifierCUID, "unknown"); err != nil || found {
		t.Fatalf("lookup of unknown cuid: found=%v err=%v", found, err)
	}
	if _, err := c.UpdateCustomer(ctx, id, intouch.SourceOAuthExternal, acc, intouch.UpdateCustomerRequest{
		Profiles: []intouch.ProfileUpdate{{FirstName: "Augusta", LastName: "King"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChangeIdentifier(ctx, id, intouch.SourceOAuthExternal, acc, intouch.ChangeIdentifierRequest{
		Add:    []intouch.Identifier{{Type: "email", Value: "augusta@example.com"}},
		Remove: []intouch.Identifier{{Type: "email", Value: "ada@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	cust, err := c.GetCustomer(ctx, id, intouch.SourceOAuthExternal, acc)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := cust.Profile(intouch.SourceOAuthExternal, acc)
	if !ok || p.FirstName != "Augusta" || p.LastName != "King" || p.Identifier("email") != "augusta@example.com" || p.Identifier("cuid") != cuid {
		t.Fatalf("profile after updates: %+v", cust)
	}

	// Invalid email in changeIdentifier: 8013 (8055 is only a warning of add customer).
	_, err = c.ChangeIdentifier(ctx, id, intouch.SourceOAuthExternal, acc, intouch.ChangeIdentifierRequest{
		Add: []intouch.Identifier{{Type: "email", Value: "not-an-email"}}})
	if !intouch.IsCode(err, intouch.CodeInvalidIdentifier) {
		t.Errorf("want 8013, got %v", err)
	}
}

func TestMergeWarningAcrossSources(t *testing.T) {
	f := newFixture(t, intouchemu.Options{})
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	ctx := context.Background()
	instore := intouch.AddCustomerRequest{Profiles: []intouch.CustomerProfile{{Source: "INSTORE",
		Identifiers: []intouch.Identifier{{Type: "email", Value: "ada@example.com"}}}}, LoyaltyInfo: intouch.LoyaltyInfo{LoyaltyType: "loyalty"}}
	first, err := c.AddCustomer(ctx, instore)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.AddCustomer(ctx, newCustomer(acc, "cuid-merge"))
	if err != nil {
		t.Fatal(err)
	}
	if !second.Merged() || second.CreatedID != first.CreatedID {
		t.Errorf("want warning 8050 and the INSTORE customer's id %d, got %+v", first.CreatedID, second)
	}
}

func TestDebugTraceRedactsSecrets(t *testing.T) {
	const secret, password = "s3cr3t-Value-42", "pa55-Word-99"
	f := newFixture(t, intouchemu.Options{ClientSecret: secret, Password: password})
	ctx := context.Background()
	c := f.client(t, nil)
	acc := f.linkAccount(t, c)
	f.emu.RevokeTokens() // a second token, and a 401 in the trace
	if _, err := c.AddCustomer(ctx, newCustomer(acc, "cuid-debug")); err != nil {
		t.Fatal(err)
	}
	basic := f.client(t, func(c *intouch.Config) {
		c.ClientKey, c.ClientSecret = "", ""
		c.Username, c.Password = f.emu.Options().Username, password
	})
	if _, err := basic.ListChannelAccounts(ctx); err != nil {
		t.Fatal(err)
	}

	out := f.debug.String()
	basicValue := intouch.BasicAuthValue(f.emu.Options().Username, password)
	forbidden := []string{secret, password, basicValue, strings.TrimPrefix(basicValue, "Basic ")}
	forbidden = append(forbidden, f.emu.IssuedTokens()...)
	if len(f.emu.IssuedTokens()) != 2 {
		t.Fatalf("want 2 tokens issued, got %d", len(f.emu.IssuedTokens()))
	}
	for _, s := range forbidden {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("debug output contains a secret value %q:\n%s", s, out)
		}
		// Not even partially: no 8-character window of a secret may appear.
		for i := 0; i+8 <= len(s) && len(s) > 8; i++ {
			if w := s[i : i+8]; strings.Contains(out, w) {
				t.Errorf("debug output contains part %q of a secret", w)
				break
			}
		}
	}
	for _, want := range []string{"[REDACTED]", "X-Cap-Requestid=\"emu-", "POST " + f.srv.URL + "/v2/customers", "401", "/v3/oauth/token/generate"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q:\n%s", want, out)
		}
	}
}

func TestBuildAddCustomerBody(t *testing.T) {
	body, err := json.Marshal(intouch.BuildAddCustomer(intouch.NewCustomer{CUID: "u-1", FirstName: "Ada", Email: "ada@example.com", AccountID: "acc"}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"profiles":[{"firstName":"Ada","source":"OAUTH_EXTERNAL","accountId":"acc","identifiers":[{"type":"cuid","value":"u-1"},{"type":"email","value":"ada@example.com"}]}],"loyaltyInfo":{"loyaltyType":"loyalty"}}`
	if string(body) != want {
		t.Errorf("body\n got %s\nwant %s", body, want)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
