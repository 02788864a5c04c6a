package httpget

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sleeps records the waits a policy asks for instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// testPolicy is DefaultPolicy with recorded sleeps and no jitter.
func testPolicy(s *sleeps) Policy {
	p := DefaultPolicy
	p.Sleep = s.sleep
	p.Rand = func() float64 { return 0 }
	return p
}

// statusServer answers with the given statuses in turn (and Retry-After
// values, when non-empty), then 200 {"ok":true}.
func statusServer(t *testing.T, statuses []int, retryAfter ...string) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(hits.Add(1)) - 1
		if i < len(statuses) {
			if i < len(retryAfter) && retryAfter[i] != "" {
				w.Header().Set("Retry-After", retryAfter[i])
			}
			http.Error(w, "body detail", statuses[i])
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestRetriedStatusesThenSuccess(t *testing.T) {
	for _, status := range []int{408, 429, 500, 502, 503, 504} {
		s := &sleeps{}
		srv, hits := statusServer(t, []int{status, status, status})
		resp, err := testPolicy(s).Get(t.Context(), srv.Client(), srv.URL, nil, 0)
		if err != nil || string(resp.Body) != `{"ok":true}` {
			t.Errorf("%d: %v", status, err)
		}
		if n := hits.Load(); n != 4 {
			t.Errorf("%d: %d requests, want 4", status, n)
		}
		// Equal jitter with rand 0: half of 100, 200, 400 ms.
		if got, want := s.all(), []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}; !equal(got, want) {
			t.Errorf("%d: waits %v, want %v", status, got, want)
		}
	}
}

func TestFinalStatusesNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 410, 501} {
		s := &sleeps{}
		srv, hits := statusServer(t, []int{status})
		_, err := testPolicy(s).Get(t.Context(), srv.Client(), srv.URL, nil, 0)
		var he *Error
		if !errors.As(err, &he) || he.StatusCode != status || he.Attempts != 1 || hits.Load() != 1 || len(s.all()) != 0 {
			t.Errorf("%d: err %v, %d requests, waits %v", status, err, hits.Load(), s.all())
		}
		if strings.Contains(err.Error(), "attempts") || strings.Contains(err.Error(), "body detail") {
			t.Errorf("%d: message %q", status, err)
		}
	}
}

func TestRetriesExhaustedSaysHowOften(t *testing.T) {
	s := &sleeps{}
	srv, hits := statusServer(t, []int{503, 503, 503, 503, 503})
	_, err := testPolicy(s).Get(t.Context(), srv.Client(), srv.URL, nil, 0)
	var he *Error
	if !errors.As(err, &he) || !errors.Is(err, ErrStatus) || he.Attempts != 4 || hits.Load() != 4 {
		t.Fatalf("err %v, %d requests", err, hits.Load())
	}
	if want := "HTTP 503 Service Unavailable after 4 attempts"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s := &sleeps{}
	p := testPolicy(s)
	p.Now = func() time.Time { return now }
	srv, hits := statusServer(t, []int{429, 503, 429}, "7", "", now.Add(3*time.Second).Format(http.TimeFormat))
	if _, err := p.Get(t.Context(), srv.Client(), srv.URL, nil, 0); err != nil || hits.Load() != 4 {
		t.Fatalf("err %v, %d requests", err, hits.Load())
	}
	// Retry-After in seconds, then backoff (the second retry), then an HTTP date.
	if got, want := s.all(), []time.Duration{7 * time.Second, 100 * time.Millisecond, 3 * time.Second}; !equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestRetryAfterTooLongEndsTheFetch(t *testing.T) {
	s := &sleeps{}
	srv, hits := statusServer(t, []int{429, 429}, "120", "120")
	_, err := testPolicy(s).Get(t.Context(), srv.Client(), srv.URL, nil, 0)
	if err == nil || err.Error() != "HTTP 429 Too Many Requests (the server asks to retry after 2m0s)" || hits.Load() != 1 || len(s.all()) != 0 {
		t.Errorf("err %v, %d requests, waits %v", err, hits.Load(), s.all())
	}
}

// Retries never outlast the caller's deadline: a wait that would end past it
// is not started, and the error is the server's answer, not "timed out".
func TestRetriesStayWithinTheDeadline(t *testing.T) {
	s := &sleeps{}
	srv, hits := statusServer(t, []int{503, 503})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	p := testPolicy(s)
	p.Base = 10 * time.Minute
	p.Cap = time.Hour
	_, err := p.Get(ctx, srv.Client(), srv.URL, nil, 0)
	if err == nil || err.Error() != "HTTP 503 Service Unavailable" || hits.Load() != 1 || len(s.all()) != 0 {
		t.Errorf("err %v, %d requests, waits %v", err, hits.Load(), s.all())
	}

	short, cancel2 := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel2()
	srv2, _ := statusServer(t, []int{429}, "5")
	_, err = testPolicy(s).Get(short, srv2.Client(), srv2.URL, nil, 0)
	if err == nil || err.Error() != "HTTP 429 Too Many Requests (the server asks to retry after 5s, beyond the time left)" {
		t.Errorf("Retry-After past the deadline: %v", err)
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	srv, hits := statusServer(t, []int{503, 503})
	ctx, cancel := context.WithCancel(t.Context())
	p := DefaultPolicy
	p.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	_, err := p.Get(ctx, srv.Client(), srv.URL, nil, 0)
	if err == nil || !strings.HasPrefix(err.Error(), "HTTP 503") || hits.Load() != 1 {
		t.Errorf("err %v, %d requests", err, hits.Load())
	}
}

// A connection dropped before the answer may go better on a new one; a
// refused one, a DNS failure or a refused redirect would not.
func TestTransportFailures(t *testing.T) {
	var drops atomic.Int32
	drop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if drops.Add(1) <= 2 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer drop.Close()
	s := &sleeps{}
	if _, err := testPolicy(s).Get(t.Context(), drop.Client(), drop.URL, nil, 0); err != nil || drops.Load() != 3 {
		t.Errorf("dropped twice: err %v, %d requests", err, drops.Load())
	}

	drops.Store(-100)
	_, err := testPolicy(s).Get(t.Context(), drop.Client(), drop.URL, nil, 0)
	if err == nil || err.Error() != "connection closed before a complete answer after 4 attempts" {
		t.Errorf("dropped every time: %v", err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + ln.Addr().String()
	ln.Close()
	s = &sleeps{}
	_, err = testPolicy(s).Get(t.Context(), nil, refused, nil, 0)
	if err == nil || err.Error() != "connection refused" || len(s.all()) != 0 {
		t.Errorf("refused: %v, waits %v", err, s.all())
	}
}

func TestTimeoutNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := Get(ctx, srv.Client(), srv.URL, nil, 0)
	if err == nil || err.Error() != "timed out" || !errors.Is(err, context.DeadlineExceeded) || hits.Load() != 1 {
		t.Errorf("err %v, %d requests", err, hits.Load())
	}
}

func TestRedirectLoopAndChain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/loop":
			http.Redirect(w, r, "/loop2", http.StatusFound)
		case r.URL.Path == "/loop2":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}
	}))
	defer srv.Close()
	if _, err := Get(t.Context(), srv.Client(), srv.URL+"/loop", nil, 0); err == nil || !strings.HasPrefix(err.Error(), "redirect loop refused") {
		t.Errorf("loop: %v", err)
	}
	if _, err := Get(t.Context(), srv.Client(), srv.URL+"/a", nil, 0); err == nil || err.Error() != "too many redirects (stopped after 5)" {
		t.Errorf("chain: %v", err)
	}
}

func TestDescribeTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	_, err := Get(t.Context(), &http.Client{}, srv.URL, nil, 0)
	if err == nil || err.Error() != "TLS: certificate signed by unknown authority" {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestBackoffBounds(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Cap: time.Second}
	for retry, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		p.Rand = func() float64 { return 0 }
		if d := p.backoff(retry); d != want/2 {
			t.Errorf("retry %d, rand 0: %s, want %s", retry, d, want/2)
		}
		p.Rand = func() float64 { return 0.999999 }
		if d := p.backoff(retry); d < want/2 || d > want {
			t.Errorf("retry %d, rand 1: %s, want within [%s, %s]", retry, d, want/2, want)
		}
	}
	if d := (Policy{Base: time.Second, Cap: time.Minute}).backoff(1000); d < 30*time.Second || d > time.Minute {
		t.Errorf("huge retry count: %s", d)
	}
}

func equal(a, b []time.Duration) bool {
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
