package intouchemu_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

type api struct {
	t     *testing.T
	emu   *intouchemu.Server
	srv   *httptest.Server
	token string
}

func newAPI(t *testing.T) *api {
	t.Helper()
	emu := intouchemu.New(intouchemu.Options{Password: "123"})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(func() { emu.Close(); srv.Close() })
	a := &api{t: t, emu: emu, srv: srv}
	status, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": emu.Options().ClientKey, "secret": emu.Options().ClientSecret}, nil)
	if status != 200 {
		t.Fatalf("token: %d %v", status, body)
	}
	a.token = body["data"].(map[string]any)["accessToken"].(string)
	return a
}

// do sends a request with the OAuth token unless headers say otherwise.
func (a *api) do(method, path string, in any, headers map[string]string) (int, map[string]any, http.Header) {
	a.t.Helper()
	var rd *bytes.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, a.srv.URL+path, rd)
	req.Header.Set("Accept", "application/json")
	if headers == nil && a.token != "" {
		req.Header.Set("X-CAP-API-OAUTH-TOKEN", a.token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, res.Header
}

func code(body map[string]any) float64 {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return 0
	}
	c, _ := errs[0].(map[string]any)["code"].(float64)
	return c
}

func (a *api) link() {
	a.t.Helper()
	if st, body, _ := a.do("POST", "/v2/org/50123/sources", map[string]any{"name": "acme", "sourceAccountIdentifier": "acc-1",
		"sourceTypeName": "oauth_external", "toMirror": 0, "configs": map[string]any{}}, nil); st != 200 || body["sourceTypeName"] != "OAUTH_EXTERNAL" {
		a.t.Fatalf("create source: %d %v", st, body)
	}
}

func profile(ids ...string) map[string]any {
	var list []map[string]string
	for i := 0; i+1 < len(ids); i += 2 {
		list = append(list, map[string]string{"type": ids[i], "value": ids[i+1]})
	}
	return map[string]any{"profiles": []any{map[string]any{"firstName": "A", "source": "OAUTH_EXTERNAL", "accountId": "acc-1", "identifiers": list}}}
}

func TestAuth(t *testing.T) {
	a := newAPI(t)
	sum := md5.Sum([]byte("123"))
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte("emu-user:"+hex.EncodeToString(sum[:])))
	plain := "Basic " + base64.StdEncoding.EncodeToString([]byte("emu-user:123"))
	for name, h := range map[string]map[string]string{
		"none":           {},
		"bad token":      {"X-CAP-API-OAUTH-TOKEN": "nope"},
		"plain password": {"Authorization": plain},
	} {
		if st, body, hdr := a.do("GET", "/v2/org/50123/sources", nil, h); st != 401 || code(body) != 401 || hdr.Get("X-Cap-Requestid") == "" {
			t.Errorf("%s: %d %v", name, st, body)
		}
	}
	if st, _, _ := a.do("GET", "/v2/org/50123/sources?details=true", nil, map[string]string{"Authorization": good}); st != 200 {
		t.Errorf("basic with md5: %d", st)
	}
	if st, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": "emu-client-key", "secret": "x"}, map[string]string{}); st != 401 {
		t.Errorf("bad secret: %d %v", st, body)
	}
	if st, _, _ := a.do("GET", "/v2/org/999/sources", nil, nil); st != 403 {
		t.Errorf("other org: %d", st)
	}
	if st, _, _ := a.do("GET", "/v2/nothing", nil, nil); st != 404 {
		t.Errorf("unknown path: %d", st)
	}
}

func TestTokenExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	emu := intouchemu.New(intouchemu.Options{Now: func() time.Time { return now }, TokenTTL: time.Minute})
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()
	a := &api{t: t, emu: emu, srv: srv}
	_, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": "emu-client-key", "secret": "emu-client-secret"}, nil)
	a.token = body["data"].(map[string]any)["accessToken"].(string)
	if ttl := body["data"].(map[string]any)["ttlSeconds"]; ttl != float64(60) {
		t.Errorf("ttlSeconds = %v", ttl)
	}
	if st, _, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 200 {
		t.Fatalf("fresh token: %d", st)
	}
	now = now.Add(2 * time.Minute)
	if st, _, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 401 {
		t.Errorf("expired token: %d", st)
	}
}

func TestCustomerErrorCodes(t *testing.T) {
	a := newAPI(t)
	a.link()
	if st, body, _ := a.do("POST", "/v2/customers", profile("cuid", "u1", "email", "a@example.com", "mobile", "447700900123"), nil); st != 200 || body["createdId"] == nil {
		t.Fatalf("add: %d %v", st, body)
	}
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   float64
	}{
		{"duplicate cuid", "POST", "/v2/customers", profile("cuid", "u1"), 400, 8006},
		{"invalid email", "POST", "/v2/customers", profile("cuid", "u2", "email", "nope"), 400, 8055},
		{"invalid mobile", "POST", "/v2/customers", profile("cuid", "u2", "mobile", "07700900123"), 400, 8056},
		{"accountId missing", "GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&identifierName=cuid&identifierValue=u1", nil, 400, 8045},
		{"not found", "GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&accountId=acc-1&identifierName=cuid&identifierValue=zz", nil, 404, 8015},
		{"get unknown", "GET", "/v2/customers/99?source=OAUTH_EXTERNAL&accountId=acc-1", nil, 404, 8015},
		{"unknown account", "POST", "/v2/customers", map[string]any{"profiles": []any{map[string]any{"source": "OAUTH_EXTERNAL", "accountId": "nope",
			"identifiers": []any{map[string]string{"type": "cuid", "value": "u3"}}}}}, 400, 8002},
	}
	for _, c := range cases {
		st, body, _ := a.do(c.method, c.path, c.body, nil)
		if st != c.status || code(body) != c.code {
			t.Errorf("%s: %d %v, want %d code %v", c.name, st, body, c.status, c.code)
		}
	}
	st, body, _ := a.do("GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&accountId=acc-1&identifierName=cuid&identifierValue=u1", nil, nil)
	if st != 200 || body["entity"] != float64(1001) {
		t.Fatalf("lookup: %d %v", st, body)
	}
	// Another customer's email in the same source: 8008.
	a.do("POST", "/v2/customers", profile("cuid", "u4", "email", "b@example.com"), nil)
	if st, body, _ := a.do("POST", "/v2/customers/1001/changeIdentifier?source=OAUTH_EXTERNAL&accountId=acc-1",
		map[string]any{"add": []any{map[string]string{"type": "email", "value": "b@example.com"}}}, nil); st != 400 || code(body) != 8008 {
		t.Errorf("changeIdentifier conflict: %d %v", st, body)
	}
	if c, ok := a.emu.FindCustomer("OAUTH_EXTERNAL", "acc-1", "cuid", "u1"); !ok || c.ID != 1001 {
		t.Errorf("FindCustomer: %+v %v", c, ok)
	}
}

func TestFaultsAndCounters(t *testing.T) {
	a := newAPI(t)
	a.emu.ResetCounts()
	a.emu.InjectFaults("POST /v2/customers/*/changeIdentifier", intouchemu.Fault{Status: 521})
	a.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Status: 429, RetryAfter: "7"}, intouchemu.Fault{Status: 503, Code: 517, Message: "slow down"})
	st, body, hdr := a.do("GET", "/v2/org/50123/sources", nil, nil)
	if st != 429 || hdr.Get("Retry-After") != "7" || code(body) != 517 {
		t.Errorf("first fault: %d %v %v", st, body, hdr)
	}
	if st, body, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 503 || code(body) != 517 {
		t.Errorf("second fault: %d %v", st, body)
	}
	if st, _, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 200 {
		t.Errorf("faults are consumed: %d", st)
	}
	if st, _, _ := a.do("POST", "/v2/customers/5/changeIdentifier?source=INSTORE", map[string]any{}, nil); st != 521 {
		t.Errorf("glob fault: %d", st)
	}
	if n := a.emu.Count(intouchemu.RouteListSources); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
	if n := a.emu.Counts()[intouchemu.RouteChangeIdentifier]; n != 1 {
		t.Errorf("Counts = %v", a.emu.Counts())
	}

	// A hang ends when the client gives up; the request is still counted.
	a.emu.InjectFaults("GET /v2/org/{orgId}/sources", intouchemu.Fault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", a.srv.URL+"/v2/org/50123/sources", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("a hang must not answer")
	}
	if n := a.emu.Count(intouchemu.RouteListSources); n != 4 {
		t.Errorf("Count after hang = %d", n)
	}
	a.emu.InjectFaults("/v2/org/{orgId}/sources", intouchemu.Fault{Status: 500})
	a.emu.ClearFaults()
	if st, _, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 200 {
		t.Errorf("ClearFaults: %d", st)
	}
}

func TestEnv(t *testing.T) {
	emu := intouchemu.New(intouchemu.Options{})
	env := strings.Join(emu.Env("http://127.0.0.1:1", false), "\n")
	for _, want := range []string{"CIAMCTL_INTOUCH_URL=http://127.0.0.1:1", "CIAMCTL_INTOUCH_ORG_ID=50123", "CIAMCTL_INTOUCH_CLIENT_KEY=", "CIAMCTL_INTOUCH_CLIENT_SECRET="} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %s:\n%s", want, env)
		}
	}
	url, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || emu.URL() != url {
		t.Errorf("Start = %s", url)
	}
}
