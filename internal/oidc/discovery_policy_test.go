package oidc

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// Discovery follows the one URL rule: a plain-http issuer that is not
// loopback is refused before any connection (a usage error), and a
// document naming such a jwks_uri is a mismatch, never passed on.
func TestDiscoveryURLPolicy(t *testing.T) {
	var dials atomic.Int32
	refusing := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("no network in this test")
	}}}
	_, err := Discover(t.Context(), refusing, "http://id.example.com/?tenant=qv-Secret-7")
	if !errors.Is(err, jwks.ErrBadLocation) || !strings.Contains(err.Error(), "plain http") || strings.Contains(err.Error(), "qv-Secret-7") {
		t.Errorf("cleartext issuer: %v", err)
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d connections were attempted", n)
	}

	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"issuer":"` + srv.URL + `","jwks_uri":"http://keys.example.com/jwks.json"}`))
	}))
	defer srv.Close()
	_, err = Discover(t.Context(), srv.Client(), srv.URL)
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "jwks_uri: plain http") {
		t.Errorf("cleartext jwks_uri: %v", err)
	}
}
