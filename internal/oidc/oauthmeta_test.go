package oidc

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestDiscoverReadsOAuthMetadata(t *testing.T) {
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.ReplaceAll(body, "$ISS", "http://"+r.Host)))
	}))
	defer srv.Close()

	body = `{"issuer":"$ISS","jwks_uri":"$ISS/jwks","token_endpoint":"$ISS/token",
		"authorization_endpoint":"$ISS/authorize","device_authorization_endpoint":"$ISS/device",
		"grant_types_supported":["authorization_code","urn:ietf:params:oauth:grant-type:device_code"],
		"response_types_supported":["code"],"token_endpoint_auth_methods_supported":["client_secret_post"],
		"code_challenge_methods_supported":["S256"]}`
	p, err := Discover(t.Context(), srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	o := p.OAuth
	if o.AuthorizationEndpoint != srv.URL+"/authorize" || o.DeviceAuthorizationEndpoint != srv.URL+"/device" ||
		!slices.Equal(o.GrantTypesSupported, []string{"authorization_code", "urn:ietf:params:oauth:grant-type:device_code"}) ||
		!slices.Equal(o.ResponseTypesSupported, []string{"code"}) || !slices.Equal(o.TokenEndpointAuthMethodsSupported, []string{"client_secret_post"}) ||
		!slices.Equal(o.CodeChallengeMethodsSupported, []string{"S256"}) {
		t.Errorf("OAuth metadata: %+v", o)
	}

	// Absent members stay empty (the caller applies the defaults); wrong types are named.
	body = `{"issuer":"$ISS","jwks_uri":"$ISS/jwks","grant_types_supported":null}`
	if p, err := Discover(t.Context(), srv.Client(), srv.URL); err != nil || p.GrantTypesSupported != nil || p.AuthorizationEndpoint != "" {
		t.Errorf("absent: %+v %v", p, err)
	}
	// A member of the wrong type does not fail discovery (brand add
	// --discover needs none of them) but is kept for token fetch to report.
	body = `{"issuer":"$ISS","jwks_uri":"$ISS/jwks","grant_types_supported":"password"}`
	p, err = Discover(t.Context(), srv.Client(), srv.URL)
	if err != nil || p.OAuth.Err == nil || !strings.Contains(p.OAuth.Err.Error(), "grant_types_supported is not an array of strings") || p.GrantTypesSupported != nil {
		t.Errorf("wrong type: %+v %v", p, err)
	}
}
