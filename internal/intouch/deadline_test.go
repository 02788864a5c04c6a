package intouch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// Under the command's deadline a Retry-After that would pass it is not
// waited for: the call ends at once, says the limit ended it, and the
// platform is asked only once.
func TestRetryAfterBeyondTheDeadlineNotWaited(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3/oauth/token/generate" {
			_, _ = w.Write([]byte(`{"data":{"accessToken":"` + testToken + `","ttlSeconds":3600},"errors":null}`))
			return
		}
		hits.Add(1)
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	sl := &sleeps{}
	c, err := intouch.New(intouch.Config{BaseURL: srv.URL, OrgID: "1", ClientKey: testKey, ClientSecret: testSecret, Sleep: sl.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := deadline.With(context.Background(), 2*time.Second, "--timeout")
	defer cancel()
	_, err = c.ListChannelAccounts(ctx)
	var ee *deadline.ExceededError
	if !errors.As(err, &ee) || !errors.Is(err, intouch.ErrUnavailable) ||
		!strings.Contains(err.Error(), "HTTP 429") || !strings.Contains(err.Error(), "waiting 20s before retrying (the platform's Retry-After) would exceed --timeout 2s") {
		t.Errorf("err = %v", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	if got := sl.All(); len(got) != 0 {
		t.Errorf("waited %v", got)
	}
}
