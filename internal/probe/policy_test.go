package probe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

// Every probe follows the one URL rule before any connection: plain http to
// a host that is not loopback, or credentials in the URL, are findings, and
// messages never show credentials or query values.
func TestProbesRefuseCleartextAndHideURLSecrets(t *testing.T) {
	var dials atomic.Int32
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("no network in this test")
	}}}
	p := &Prober{Client: client, Fetcher: &jwks.Fetcher{Client: client, NoCache: true}, Retry: &fastRetry}
	cfg := &brand.Config{CIAM: brand.CIAM{
		Issuer:           "http://id.example.com/",
		JWKSURI:          "http://id.example.com/jwks?key=qv-Secret-1",
		UserinfoEndpoint: "https://user:pw-Secret-2@id.example.com/userinfo",
	}}
	for _, r := range p.Brand(context.Background(), cfg) {
		if r.OK() {
			t.Errorf("%s: passed: %+v", r.Name, r)
		}
		for _, f := range r.Findings {
			if strings.Contains(f.Message, "Secret-") || strings.Contains(r.Summary, "Secret-") {
				t.Errorf("%s shows a secret: %s / %s", r.Name, f.Message, r.Summary)
			}
		}
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d connections were attempted", n)
	}
}

// A userinfo endpoint that redirects is reported with the target redacted.
func TestUserinfoRedirectTargetRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://other.example/userinfo?access_token=qv-Secret-3", http.StatusFound)
	}))
	defer srv.Close()
	p := &Prober{Client: srv.Client(), Fetcher: &jwks.Fetcher{NoCache: true}, Retry: &fastRetry}
	r := p.Userinfo(context.Background(), &brand.Config{CIAM: brand.CIAM{UserinfoEndpoint: srv.URL + "/userinfo?tenant=qv-Secret-4"}})
	if r.OK() || len(r.Findings) != 1 {
		t.Fatalf("want one finding: %+v", r)
	}
	msg := r.Findings[0].Message + r.Summary
	if strings.Contains(msg, "Secret-") || !strings.Contains(msg, "access_token=REDACTED") {
		t.Errorf("message: %s", msg)
	}
}
