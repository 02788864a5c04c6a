package rp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

func emulator(t *testing.T) (*ciamemu.Server, string) {
	t.Helper()
	s := ciamemu.New(ciamemu.Options{ClientID: "app"})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	s.SetIssuer(ts.URL)
	return s, ts.URL
}

// userinfo answers with the access token, refuses it once revoked; logout is accepted for the user's ID
// token and recorded by the CIAM.
func TestAgainstTheCIAMEmulator(t *testing.T) {
	s, iss := emulator(t)
	tk, err := s.IssueTokens("alice", ciamemu.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	claims, raw, err := Userinfo(ctx, nil, iss+ciamemu.PathUserinfo, tk.AccessToken)
	alice, _ := s.FindUser("alice")
	if err != nil || claims["sub"] != alice.Sub || !strings.Contains(string(raw), `"given_name":"Alice"`) {
		t.Fatalf("userinfo: %v %v", claims, err)
	}
	res, err := EndSession(ctx, nil, iss+ciamemu.PathEndSession, tk.IDToken, Client{ID: "app"})
	if err != nil || res.Status != 200 || len(s.Logouts()) != 1 {
		t.Fatalf("end session: %+v %v %v", res, err, s.Logouts())
	}
	if _, err := EndSession(ctx, nil, iss+ciamemu.PathEndSession, "not-a-token", Client{ID: "app"}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "invalid_request") || strings.Contains(err.Error(), "not-a-token") {
		t.Errorf("bad hint: %v", err)
	}
	if err := Revoke(ctx, nil, iss+ciamemu.PathRevoke, tk.AccessToken, "access_token", Client{ID: "other"}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("wrong client: %v", err)
	}
	if err := Revoke(ctx, nil, iss+ciamemu.PathRevoke, tk.AccessToken, "access_token", Client{ID: "app"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = Userinfo(ctx, nil, iss+ciamemu.PathUserinfo, tk.AccessToken)
	var he *HTTPError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &he) || he.Status != 401 || !strings.Contains(he.Reason, "invalid_token") {
		t.Errorf("userinfo after revocation: %v", err)
	}
	if strings.Contains(err.Error(), tk.AccessToken) {
		t.Error("the error echoes the token")
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"https://id.example/userinfo", "http://127.0.0.1:8080/u", "http://localhost/u", "http://[::1]:1/u"} {
		if _, err := CheckURL("x", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "http://id.example/userinfo", "https://user:pw@id.example/u", "ftp://id.example/u", "/userinfo", "http://127.0.0.1.evil.example/u"} {
		if _, err := CheckURL("x", bad); !errors.Is(err, ErrUnsafeURL) {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

// A token never follows a redirect to another origin, and a POST follows none.
func TestRedirectsNeverCarryTheToken(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		_, _ = w.Write([]byte(`{"sub":"x"}`))
	}))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/userinfo", http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	if _, _, err := Userinfo(t.Context(), nil, redirector.URL+"/userinfo", "at-secret"); err == nil || !strings.Contains(err.Error(), "another origin") {
		t.Errorf("cross-origin redirect: %v", err)
	}
	if err := Revoke(t.Context(), nil, redirector.URL+"/revoke", "at-secret", "", Client{ID: "app"}); !errors.Is(err, ErrRefused) {
		t.Errorf("redirected revocation: %v", err)
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("the other origin got %d requests", n)
	}
}

func TestFailuresAreClassified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/jwt":
			w.Header().Set("Content-Type", "application/jwt")
			_, _ = w.Write([]byte("a.b.c"))
		case "/array":
			_, _ = w.Write([]byte(`[1]`))
		case "/hang":
			<-r.Context().Done()
		case "/challenge":
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="expired"`)
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	for path, want := range map[string]error{"/down": jwks.ErrUnavailable, "/jwt": ErrRefused, "/array": ErrRefused, "/challenge": ErrRefused} {
		if _, _, err := Userinfo(t.Context(), nil, srv.URL+path, "at"); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	_, _, err := Userinfo(t.Context(), nil, srv.URL+"/challenge", "at")
	if !strings.Contains(err.Error(), "invalid_token (expired)") {
		t.Errorf("challenge reason: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, _, err := Userinfo(ctx, nil, srv.URL+"/hang", "at"); !errors.Is(err, jwks.ErrUnavailable) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("hang: %v", err)
	}
}
