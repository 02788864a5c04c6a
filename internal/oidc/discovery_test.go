package oidc

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	var docs map[string]func(base string) any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		tenant, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if !strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
			http.NotFound(w, r)
			return
		}
		doc, ok := docs[tenant]
		if !ok {
			http.Error(w, "boom", http.StatusServiceUnavailable)
			return
		}
		switch d := doc(base + "/" + tenant).(type) {
		case string:
			_, _ = w.Write([]byte(d))
		default:
			_ = json.NewEncoder(w).Encode(d)
		}
	}))
	defer srv.Close()
	good := func(iss string) any {
		return map[string]any{
			"issuer":                                iss,
			"jwks_uri":                              iss + "/jwks",
			"userinfo_endpoint":                     iss + "/userinfo",
			"token_endpoint":                        iss + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		}
	}
	docs = map[string]func(string) any{
		"good":    good,
		"slash":   func(iss string) any { return good(iss + "/") },
		"other":   func(string) any { return good("https://evil.example") },
		"nojwks":  func(iss string) any { return map[string]any{"issuer": iss} },
		"badjwks": func(iss string) any { return map[string]any{"issuer": iss, "jwks_uri": "ftp://x/jwks"} },
		"html":    func(string) any { return "<html>sign in</html>" },
		"badalgs": func(iss string) any {
			m := good(iss).(map[string]any)
			m["id_token_signing_alg_values_supported"] = "RS256"
			return m
		},
		"hugedocs": func(string) any { return `{"issuer":"` + strings.Repeat("x", 2<<20) + `"}` },
		"session": func(iss string) any {
			m := good(iss).(map[string]any)
			m["end_session_endpoint"], m["revocation_endpoint"] = iss+"/logout", iss+"/revoke"
			return m
		},
	}

	p, err := Discover(t.Context(), srv.Client(), srv.URL+"/good")
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer != srv.URL+"/good" || p.JWKSURI != srv.URL+"/good/jwks" || p.UserinfoEndpoint == "" || p.TokenEndpoint == "" || len(p.IDTokenSigningAlgValuesSupported) != 2 {
		t.Errorf("provider %+v", p)
	}
	if p.EndSessionEndpoint != "" || p.RevocationEndpoint != "" {
		t.Errorf("session endpoints from a document without them: %+v", p)
	}
	if p, err := Discover(t.Context(), srv.Client(), srv.URL+"/session"); err != nil || p.EndSessionEndpoint != srv.URL+"/session/logout" || p.RevocationEndpoint != srv.URL+"/session/revoke" {
		t.Errorf("session endpoints: %+v %v", p, err)
	}
	// A trailing slash is kept in the issuer and dropped when building the URL.
	if p, err := Discover(t.Context(), srv.Client(), srv.URL+"/slash/"); err != nil || p.Issuer != srv.URL+"/slash/" {
		t.Errorf("trailing slash: %+v %v", p, err)
	}
	// ...but the issuer must still match exactly.
	if _, err := Discover(t.Context(), srv.Client(), srv.URL+"/good/"); !errors.Is(err, ErrMismatch) {
		t.Errorf("slash mismatch: %v", err)
	}

	for tenant, want := range map[string]error{
		"other": ErrMismatch, "nojwks": ErrMismatch, "badjwks": ErrMismatch, "html": ErrMismatch, "badalgs": ErrMismatch,
		"down": ErrUnavailable, "hugedocs": ErrUnavailable,
	} {
		_, err := Discover(t.Context(), srv.Client(), srv.URL+"/"+tenant)
		if !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", tenant, err, want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "discovery "+srv.URL+"/"+tenant+"/.well-known/openid-configuration: ") {
			t.Errorf("%s: message %q", tenant, err)
		}
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := Discover(t.Context(), nil, closed.URL); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("closed: %v", err)
	}
	if _, err := Discover(t.Context(), nil, "ftp://id.example"); err == nil {
		t.Error("ftp issuer accepted")
	}
}
