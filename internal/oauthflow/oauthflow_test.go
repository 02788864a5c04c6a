package oauthflow

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/oidc"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

func TestOffered(t *testing.T) {
	for _, c := range []struct {
		name string
		meta oidc.OAuth
		want []string
	}{
		{"discovery's default grants", oidc.OAuth{AuthorizationEndpoint: "https://id/a"}, []string{FlowCode}},
		{"default grants and a device endpoint", oidc.OAuth{AuthorizationEndpoint: "https://id/a", DeviceAuthorizationEndpoint: "https://id/d"}, []string{FlowCode, FlowDevice}},
		{"no authorization endpoint", oidc.OAuth{GrantTypesSupported: []string{"authorization_code", "password"}}, []string{FlowPassword}},
		{"all", oidc.OAuth{AuthorizationEndpoint: "https://id/a", DeviceAuthorizationEndpoint: "https://id/d",
			GrantTypesSupported: []string{"client_credentials", "password", "authorization_code", grantDeviceCode}},
			[]string{FlowCode, FlowClientCredentials, FlowPassword, FlowDevice}},
		{"device endpoint without the grant listed", oidc.OAuth{DeviceAuthorizationEndpoint: "https://id/d", GrantTypesSupported: []string{"password"}}, []string{FlowPassword}},
	} {
		if got := Offered(c.meta); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	err := CheckOffered(oidc.OAuth{GrantTypesSupported: []string{"password"}}, FlowDevice)
	if !errors.Is(err, ErrNotOffered) || err.Error() != "--flow device: the CIAM's discovery document does not advertise it; it offers password" {
		t.Errorf("CheckOffered: %v", err)
	}
}

func budget(d time.Duration) *deadline.Budget { return deadline.NewBudget(d, "--timeout", nil) }

func provider(tokenEndpoint string) *oidc.Provider {
	return &oidc.Provider{Issuer: "https://id.example", TokenEndpoint: tokenEndpoint,
		OAuth: oidc.OAuth{GrantTypesSupported: []string{"client_credentials"}}}
}

// A token request carries the client secret (or a password, a code): it
// follows no redirect, to another origin or the same one, as rp's calls with
// a user's tokens follow none; the body is never sent twice.
func TestTokenRequestsFollowNoRedirect(t *testing.T) {
	var elsewhere, samePath atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"stolen","token_type":"Bearer"}`))
	}))
	defer other.Close()
	ciam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/elsewhere": // another port on the same host is another origin
			http.Redirect(w, r, other.URL+"/token?tenant=t1", http.StatusTemporaryRedirect)
		case "/moved":
			http.Redirect(w, r, "/token", http.StatusPermanentRedirect)
		default:
			samePath.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"re-sent","token_type":"Bearer"}`))
		}
	}))
	defer ciam.Close()
	for path, want := range map[string]string{
		"/elsewhere": "HTTP 307 Temporary Redirect to " + other.URL + "/token?tenant=REDACTED: not followed",
		"/moved":     "HTTP 308 Permanent Redirect to " + ciam.URL + "/token: not followed",
	} {
		c := &Client{HTTP: &http.Client{}, Provider: provider(ciam.URL + path), ClientID: "acme", ClientSecret: "s3cret", Budget: budget(5 * time.Second)}
		_, err := c.ClientCredentials(t.Context())
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", path, err, want)
		}
	}
	if n, m := elsewhere.Load(), samePath.Load(); n+m != 0 {
		t.Errorf("the redirect was followed: the other origin got %d request(s), the same origin's target %d", n, m)
	}
}

func TestEndpointsMustBeHTTPSUnlessLoopback(t *testing.T) {
	// The shared URL rule's reasons (urlpolicy), with the URL shown redacted.
	for u, why := range map[string]string{
		"http://id.example/token?tenant=t1": "discovery's token_endpoint http://id.example/token?tenant=REDACTED: plain http to a host that is not loopback",
		"https://user:pw@id.example/token":  "discovery's token_endpoint https://REDACTED@id.example/token: carries credentials",
		"ftp://id.example/token":            `unsupported URL scheme "ftp"`,
		"":                                  "discovery names no token_endpoint",
	} {
		c := &Client{Provider: provider(u), ClientID: "acme", ClientSecret: "s", Budget: budget(time.Second)}
		_, err := c.ClientCredentials(t.Context())
		if !errors.Is(err, oidc.ErrMismatch) || strings.Contains(err.Error(), "pw@") || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want %q", u, err, why)
		}
	}
	for _, ok := range []string{"https://id.example/token", "http://127.0.0.1:8080/token", "http://[::1]/token", "http://localhost/token"} {
		if err := checkEndpoint("token_endpoint", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestNetworkWorkStaysWithinTheBudget(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Second):
		}
	}))
	defer slow.Close()
	c := &Client{Provider: provider(slow.URL + "/token"), ClientID: "acme", ClientSecret: "s", Budget: budget(100 * time.Millisecond)}
	_, err := c.ClientCredentials(t.Context())
	if !errors.Is(err, jwks.ErrUnavailable) || !strings.Contains(err.Error(), "timed out (--timeout 100ms)") {
		t.Errorf("err = %v", err)
	}
	// Nothing left: the next request is not started.
	_, err = c.ClientCredentials(t.Context())
	if !errors.Is(err, jwks.ErrUnavailable) || !strings.Contains(err.Error(), "the token request would exceed --timeout 100ms") {
		t.Errorf("second request: %v", err)
	}
}

func TestServerErrorsAreUnavailableAndEchoedSecretsRedacted(t *testing.T) {
	status := http.StatusServiceUnavailable
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"secret s3cret is wrong"}`))
	}))
	defer srv.Close()
	c := &Client{Provider: provider(srv.URL + "/token"), ClientID: "acme", ClientSecret: "s3cret", Budget: budget(5 * time.Second)}
	_, err := c.ClientCredentials(context.Background())
	if !errors.Is(err, jwks.ErrUnavailable) {
		t.Errorf("503: %v", err)
	}
	status = http.StatusUnauthorized
	_, err = c.ClientCredentials(context.Background())
	if !errors.Is(err, ErrRefused) || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "invalid_client: secret REDACTED is wrong") {
		t.Errorf("401: %v", err)
	}
}

// The verification URI of a device authorization answer is for the person to
// open: it follows the URL rule too, and a refusal names where it came from.
func TestDeviceVerificationURIFollowsTheURLRule(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"device_code":"dc","user_code":"ABCD-EFGH","verification_uri":"http://id.example/device?x=1","expires_in":600,"interval":5}`))
	}))
	defer srv.Close()
	p := &oidc.Provider{Issuer: srv.URL, TokenEndpoint: srv.URL + "/token",
		OAuth: oidc.OAuth{DeviceAuthorizationEndpoint: srv.URL + "/device/code"}}
	c := &Client{Provider: p, ClientID: "acme", Budget: budget(5 * time.Second), Wait: time.Second, WaitName: "--login-timeout"}
	prompted := false
	_, err := c.Device(t.Context(), func(DevicePrompt) { prompted = true })
	want := "device authorization endpoint " + srv.URL + "/device/code: its verification_uri http://id.example/device?x=REDACTED: plain http"
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), want) || prompted {
		t.Errorf("err = %v (prompted %v), want %q", err, prompted, want)
	}
}
