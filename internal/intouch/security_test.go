package intouch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

// recorder is a second origin: it counts what reaches it and keeps the
// headers and bodies, so a test can assert it saw nothing.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.seen = append(r.seen, req.Method+" "+req.URL.String()+" "+headerDump(req.Header)+" "+string(b))
		r.mu.Unlock()
		_, _ = w.Write([]byte(`{"data":{"accessToken":"stolen","ttlSeconds":3600},"errors":null}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func headerDump(h http.Header) string {
	var b bytes.Buffer
	_ = h.Write(&b)
	return b.String()
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

const (
	testKey    = "key-7f3a"
	testSecret = "secret-Value-1234"
	testToken  = "eyJhbGciOiJIUzI1NiJ9.eyJvcmdfaWQiOjUwMTIzfQ.platform-token-signature"
)

// platform is a first origin: it answers the token call (or redirects it)
// and redirects every other call to next.
func platform(t *testing.T, redirectToken bool, next string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v3/oauth/token/generate" && redirectToken:
			http.Redirect(w, r, next+r.URL.Path, http.StatusTemporaryRedirect)
		case r.URL.Path == "/v3/oauth/token/generate":
			_, _ = w.Write([]byte(`{"data":{"accessToken":"` + testToken + `","ttlSeconds":3600},"errors":null}`))
		default:
			http.Redirect(w, r, next+r.URL.RequestURI(), http.StatusFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, base string, mod func(*intouch.Config)) (*intouch.Client, *bytes.Buffer) {
	t.Helper()
	debug := &bytes.Buffer{}
	cfg := intouch.Config{BaseURL: base, OrgID: "50123", ClientKey: testKey, ClientSecret: testSecret,
		HTTPClient: &http.Client{}, Debug: debug, Sleep: (&sleeps{}).Sleep, MaxRetries: -1}
	if mod != nil {
		mod(&cfg)
	}
	c, err := intouch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, debug
}

// A redirect to another origin is refused whatever carries the credentials:
// the token call's body (307 keeps method and body), the token header on a
// GET (302), the Basic header. The other origin sees nothing, and the error
// names it without any secret.
func TestRedirectToAnotherOriginRefused(t *testing.T) {
	cases := []struct {
		name          string
		redirectToken bool
		basic         bool
	}{
		{name: "token call 307", redirectToken: true},
		{name: "GET 302 with the token header"},
		{name: "GET 302 with Basic", basic: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			other := newRecorder(t)
			first := platform(t, tc.redirectToken, other.srv.URL)
			c, debug := newClient(t, first.URL, func(cfg *intouch.Config) {
				if tc.basic {
					cfg.ClientKey, cfg.ClientSecret = "", ""
					cfg.Username, cfg.Password = "api-user", "basic-Password-99"
				}
			})
			_, err := c.ListChannelAccounts(context.Background())
			if err == nil {
				t.Fatal("the call succeeded through a redirect to another origin")
			}
			if got := other.requests(); len(got) > 0 {
				t.Errorf("the other origin received %d requests: %q", len(got), got)
			}
			msg := err.Error()
			if !strings.Contains(msg, "redirect to another origin ("+other.srv.URL) || !errors.Is(err, intouch.ErrUnavailable) {
				t.Errorf("error = %v, want an unavailable error naming the refused origin", err)
			}
			for _, s := range []string{testSecret, testToken, "basic-Password-99"} {
				if strings.Contains(msg, s) || strings.Contains(debug.String(), s) {
					t.Errorf("a secret appears in the error or trace: %v\n%s", err, debug)
				}
			}
		})
	}
}

// A redirect within the configured origin still works, credentials and all.
func TestSameOriginRedirectFollowed(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v3/oauth/token/generate":
			_, _ = w.Write([]byte(`{"data":{"accessToken":"` + testToken + `","ttlSeconds":3600},"errors":null}`))
		case strings.HasPrefix(r.URL.Path, "/old/"):
			http.Redirect(w, r, strings.TrimPrefix(r.URL.Path, "/old"), http.StatusMovedPermanently)
		case r.Header.Get(intouch.HeaderOAuthToken) != testToken:
			w.WriteHeader(http.StatusUnauthorized)
		default:
			_, _ = w.Write([]byte(`{"data":[],"errors":[]}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, _ := newClient(t, srv.URL+"/old", nil)
	if _, err := c.ListChannelAccounts(context.Background()); err != nil {
		t.Fatalf("same-origin redirect: %v", err)
	}
}

// The base URL follows the brand files' rule: https, http only to loopback,
// no credentials in it; a refusal names where the URL came from and never
// shows the password.
func TestBaseURLPolicy(t *testing.T) {
	cases := map[string]string{
		"http://example.com":                      "CIAMCTL_INTOUCH_URL http://example.com: plain http",
		"http://10.1.2.3:8080/api":                "plain http to a host that is not loopback",
		"https://user:url-Password-1@example.com": "carries credentials",
		"ftp://example.com":                       "unsupported URL scheme",
	}
	for raw, want := range cases {
		_, err := intouch.New(intouch.Config{BaseURL: raw, ClientKey: testKey, ClientSecret: testSecret})
		if !errors.Is(err, intouch.ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrConfig saying %q", raw, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "url-Password-1") {
			t.Errorf("%s: the error shows the password: %v", raw, err)
		}
	}
	_, err := intouch.New(intouch.Config{BaseURL: "http://example.com", URLFrom: "--intouch-url", ClientKey: testKey, ClientSecret: testSecret})
	if err == nil || !strings.Contains(err.Error(), "--intouch-url http://example.com") {
		t.Errorf("URLFrom not named: %v", err)
	}
	for _, ok := range []string{"https://eu.api.capillarytech.com", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"} {
		if _, err := intouch.New(intouch.Config{BaseURL: ok, ClientKey: testKey, ClientSecret: testSecret}); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}

// A platform that echoes the client's secret, password or token in an error
// message (JSON or not) never gets it printed, in the error or the trace.
func TestServerEchoedSecretsRedacted(t *testing.T) {
	const password = "basic-Password-99"
	echo := func(basic bool) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v3/oauth/token/generate" {
				_, _ = w.Write([]byte(`{"data":{"accessToken":"` + testToken + `","ttlSeconds":3600},"errors":null}`))
				return
			}
			auth := r.Header.Get(intouch.HeaderOAuthToken) + r.Header.Get("Authorization")
			w.Header().Set("X-Cap-Requestid", "req-"+auth)
			if r.URL.Query().Get("details") == "true" && !basic {
				// JSON: the message quotes the secret, the token and the header.
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"errors":[{"code":9999,"message":"bad credentials ` + testSecret + ` token ` + auth + `"}],"warnings":[{"code":1,"message":"echo ` + testToken + `"}]}`))
				return
			}
			// Not JSON, with the Basic header and password echoed.
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte("<html>denied " + auth + " " + password + "</html>"))
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	for _, basic := range []bool{false, true} {
		srv := echo(basic)
		c, debug := newClient(t, srv.URL, func(cfg *intouch.Config) {
			if basic {
				cfg.ClientKey, cfg.ClientSecret = "", ""
				cfg.Username, cfg.Password = "api-user", password
			}
		})
		_, err := c.ListChannelAccounts(context.Background())
		if err == nil {
			t.Fatal("want an error")
		}
		basicValue := intouch.BasicAuthValue("api-user", password)
		text := err.Error() + "\n" + debug.String()
		for _, s := range []string{testSecret, testToken, password, basicValue, strings.TrimPrefix(basicValue, "Basic ")} {
			if strings.Contains(text, s) {
				t.Errorf("basic=%v: %q appears:\n%s", basic, s, text)
			}
		}
		if !strings.Contains(text, "REDACTED") {
			t.Errorf("basic=%v: nothing was redacted, so the test proves nothing:\n%s", basic, text)
		}
	}
}
