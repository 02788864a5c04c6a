package intouch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

// A token answer using the older "expiresIn" name (and no data wrapper) is understood and cached.
func TestTokenExpiresInTolerated(t *testing.T) {
	var mints, lists atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v3/oauth/token/generate":
			mints.Add(1)
			w.Write([]byte(`{"accessToken":"tok-1","expiresIn":600}`))
		case "/v2/org/1/sources":
			lists.Add(1)
			if r.Header.Get("X-CAP-API-OAUTH-TOKEN") != "tok-1" || r.Header.Get("Accept") != "application/json" {
				w.WriteHeader(401)
				return
			}
			w.Write([]byte(`{"data":[{"id":1,"name":"n","sourceAccountIdentifier":"a","sourceTypeName":"oauth_External","isActive":true}],"errors":[]}`))
		}
	}))
	defer srv.Close()
	c, err := intouch.New(intouch.Config{BaseURL: srv.URL, OrgID: "1", ClientKey: "k", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		all, err := c.ListChannelAccounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := intouch.OAuthExternalAccounts(all); len(got) != 1 {
			t.Errorf("mixed-case sourceTypeName not matched: %+v", all)
		}
	}
	if mints.Load() != 1 || lists.Load() != 2 {
		t.Errorf("mints=%d lists=%d", mints.Load(), lists.Load())
	}
}

// Cancelling the context stops the retries.
func TestContextCancelStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(461)
		w.Write([]byte(`{"errors":[{"status":false,"code":461,"message":"search busy"}]}`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var slept int
	c, _ := intouch.New(intouch.Config{BaseURL: srv.URL, OrgID: "1", Username: "u", Password: "p",
		Sleep: func(ctx context.Context, d time.Duration) error { slept++; cancel(); return ctx.Err() }})
	_, err := c.ListChannelAccounts(ctx)
	if !errors.Is(err, intouch.ErrUnavailable) || !errors.Is(err, context.Canceled) || slept != 1 {
		t.Errorf("err=%v slept=%d", err, slept)
	}
}
