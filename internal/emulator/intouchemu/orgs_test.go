package intouchemu_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

func newOrgAPI(t *testing.T, opts intouchemu.Options) *api {
	t.Helper()
	emu := intouchemu.New(opts)
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(func() { emu.Close(); srv.Close() })
	a := &api{t: t, emu: emu, srv: srv}
	_, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": "emu-client-key", "secret": "emu-client-secret"}, nil)
	a.token = body["data"].(map[string]any)["accessToken"].(string)
	return a
}

func tokenOrgID(t *testing.T, token string) any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	return claims["org_id"]
}

// Parent-org credentials: tokens name the parent; calls reach the child only with X-CAP-API-AUTH-ORG-ID.
func TestParentOrgCredentials(t *testing.T) {
	a := newOrgAPI(t, intouchemu.Options{CredentialsOrgID: "100", CredentialsOrgIsParent: true})
	if org := tokenOrgID(t, a.token); org != float64(100) {
		t.Errorf("token org_id %v, want 100", org)
	}
	child := map[string]string{"X-CAP-API-OAUTH-TOKEN": a.token, "X-CAP-API-AUTH-ORG-ID": "50123"}
	if st, body, _ := a.do("GET", "/v2/org/50123/sources", nil, child); st != 200 {
		t.Errorf("with the header: %d %v", st, body)
	}
	if st, body, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 403 {
		t.Errorf("the child's path without the header: %d %v", st, body)
	}
	if st, body, _ := a.do("GET", "/v2/org/100/sources", nil, nil); st != 200 || len(body["data"].([]any)) != 0 {
		t.Errorf("the parent org's own sources: %d %v", st, body)
	}
	if st, body, _ := a.do("GET", "/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=447700900001", nil, nil); st != 400 || code(body) != 8003 {
		t.Errorf("customer call on the parent org: %d %v", st, body)
	}
	other := map[string]string{"X-CAP-API-OAUTH-TOKEN": a.token, "X-CAP-API-AUTH-ORG-ID": "60000"}
	if st, body, _ := a.do("GET", "/v2/org/60000/sources", nil, other); st != 403 || !strings.Contains(body["errors"].([]any)[0].(map[string]any)["message"].(string), "not a child of org 100") {
		t.Errorf("an org that is no child: %d %v", st, body)
	}
}

// Credentials of an unrelated org may not name this one.
func TestUnrelatedOrgCredentials(t *testing.T) {
	a := newOrgAPI(t, intouchemu.Options{CredentialsOrgID: "777", Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	h := map[string]string{"X-CAP-API-OAUTH-TOKEN": a.token, "X-CAP-API-AUTH-ORG-ID": "50123"}
	if st, body, _ := a.do("GET", "/v2/org/50123/sources", nil, h); st != http.StatusForbidden {
		t.Errorf("%d %v", st, body)
	}
}
