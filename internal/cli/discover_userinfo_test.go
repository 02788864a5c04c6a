package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// appleShapedDiscovery serves a discovery document shaped like
// https://appleid.apple.com/.well-known/openid-configuration: the same
// members, on a loopback issuer, and like Apple's no userinfo_endpoint.
func appleShapedDiscovery(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                srv.URL,
			"authorization_endpoint":                srv.URL + "/auth/authorize",
			"token_endpoint":                        srv.URL + "/auth/token",
			"revocation_endpoint":                   srv.URL + "/auth/revoke",
			"jwks_uri":                              srv.URL + "/auth/keys",
			"response_types_supported":              []string{"code"},
			"response_modes_supported":              []string{"query", "fragment", "form_post"},
			"subject_types_supported":               []string{"pairwise"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"scopes_supported":                      []string{"openid", "email", "name"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_post"},
			"claims_supported":                      []string{"aud", "email", "email_verified", "exp", "iat", "is_private_email", "iss", "nonce", "nonce_supported", "real_user_status", "sub", "transfer_sub"},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Issue 12, item 21: discovery without a userinfo_endpoint.
func TestBrandAddDiscoverWithoutUserinfoEndpoint(t *testing.T) {
	srv := appleShapedDiscovery(t)
	dir := t.TempDir()
	base := []string{"brand", "add", "--dir", dir, "--name", "apple", "--application-id", "com.acme.web",
		"--client-id", "com.acme.web", "--map", "email=email", "--discover", srv.URL}

	// Without a terminal: a usage error that says what discovery lacked and
	// how to give it.
	res := clitest.Run(t, clitest.Opts{}, base...)
	expectCode(t, res, 2)
	want := "error: --discover " + srv.URL + ": the discovery document names no userinfo_endpoint, and the gateway needs one to read the customer's profile; pass --userinfo-endpoint URL\n"
	if !strings.HasPrefix(res.Stderr, want) || !strings.Contains(res.Stderr, "\nhint: ") {
		t.Errorf("stderr:\n%s\nwant it to start with:\n%s", res.Stderr, want)
	}
	if strings.Contains(res.Stderr, "missing required flag") {
		t.Errorf("the generic message hides the cause:\n%s", res.Stderr)
	}
	// Other missing values are named too.
	res = clitest.Run(t, clitest.Opts{}, "brand", "add", "--dir", dir, "--name", "apple", "--client-id", "c", "--discover", srv.URL)
	expectCode(t, res, 2)
	if !strings.Contains(res.Stderr, "no userinfo_endpoint") || !strings.Contains(res.Stderr, "(also missing: --application-id)") {
		t.Errorf("stderr: %s", res.Stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused add wrote files: %v", entries)
	}

	// With the flag, the rest still comes from discovery.
	res = clitest.Run(t, clitest.Opts{}, append(base, "--userinfo-endpoint", "https://id.acme.example/userinfo")...)
	expectCode(t, res, 0)
	data, _ := os.ReadFile(filepath.Join(dir, "apple.yaml"))
	for _, w := range []string{"issuer: " + srv.URL, "jwksUri: " + srv.URL + "/auth/keys", "userinfoEndpoint: https://id.acme.example/userinfo"} {
		if !strings.Contains(string(data), w) {
			t.Errorf("file lacks %q:\n%s", w, data)
		}
	}

	// On a terminal the form asks for it, saying why.
	dir2 := t.TempDir()
	in := clitest.NewLineReader("https://id.acme.example/userinfo", "", "1") // userinfo, no display name, write
	args := append([]string{}, base...)
	args[3] = dir2
	res = clitest.Run(t, clitest.Opts{TTY: true, Stdin: in, Env: map[string]string{"ACCESSIBLE": "1"}}, args...)
	if res.Code != 0 {
		t.Fatalf("form: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "Discovery at "+srv.URL+" names no userinfo_endpoint; the gateway needs one, so enter the CIAM's userinfo URL.\nUserinfo endpoint") {
		t.Errorf("the form does not say why it asks:\n%s", res.Stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir2, "apple.yaml")); !strings.Contains(string(data), "userinfoEndpoint: https://id.acme.example/userinfo") {
		t.Errorf("file:\n%s", data)
	}
}
