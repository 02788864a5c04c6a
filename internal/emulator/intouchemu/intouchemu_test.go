package intouchemu_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

const addPath = "/v2/customers?source=OAUTH_EXTERNAL&accountId=acc-1"

func TestCustomerErrorCodes(t *testing.T) {
	a := newAPI(t)
	a.link()
	if st, body, _ := a.do("POST", addPath, profile("cuid", "u1", "email", "a@example.com", "mobile", "447700900123"), nil); st != 200 || body["createdId"] == nil {
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
		{"source query parameter missing", "POST", "/v2/customers", profile("cuid", "u9"), 400, 8003},
		{"accountId query parameter missing", "POST", "/v2/customers?source=OAUTH_EXTERNAL", profile("cuid", "u9"), 400, 8045},
		{"unknown source", "POST", "/v2/customers?source=NOPE", profile("cuid", "u9"), 400, 8003},
		{"unknown account", "POST", "/v2/customers?source=OAUTH_EXTERNAL&accountId=nope", profile("cuid", "u9"), 400, 8003},
		{"profile source differs from the query", "POST", "/v2/customers?source=INSTORE", profile("cuid", "u9"), 400, 8003},
		{"no identifiers", "POST", addPath, profile(), 400, 8002},
		{"unknown identifier type", "POST", addPath, profile("shoe", "42"), 400, 8013},
		{"duplicate cuid", "POST", addPath, profile("cuid", "u1"), 400, 8006},
		{"accountId missing on lookup", "GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&identifierName=cuid&identifierValue=u1", nil, 400, 8045},
		{"lookup without identifier", "GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&accountId=acc-1", nil, 400, 8002},
		{"lookup by unknown identifierName", "GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&accountId=acc-1&identifierName=shoe&identifierValue=1", nil, 400, 8013},
		{"not found", "GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&accountId=acc-1&identifierName=cuid&identifierValue=zz", nil, 404, 8015},
		{"get unknown", "GET", "/v2/customers/99?source=OAUTH_EXTERNAL&accountId=acc-1", nil, 404, 8015},
		{"update without a profile in the source", "PUT", "/v2/customers/1001?source=INSTORE", map[string]any{"profiles": []any{map[string]any{"firstName": "B"}}}, 404, 8065},
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
	// The email is held in OAUTH_EXTERNAL, not in INSTORE: 8065, not 8015.
	if st, body, _ := a.do("GET", "/v2/customers/lookup?source=INSTORE&identifierName=email&identifierValue=a@example.com", nil, nil); st != 404 || code(body) != 8065 {
		t.Errorf("lookup in another source: %d %v", st, body)
	}
	// Another customer's email in the same source: 8006 (no invented per-type split).
	a.do("POST", addPath, profile("cuid", "u4", "email", "b@example.com"), nil)
	if st, body, _ := a.do("POST", "/v2/customers/1001/changeIdentifier?source=OAUTH_EXTERNAL&accountId=acc-1",
		map[string]any{"add": []any{map[string]string{"type": "email", "value": "b@example.com"}}}, nil); st != 400 || code(body) != 8006 {
		t.Errorf("changeIdentifier conflict: %d %v", st, body)
	}
	if c, ok := a.emu.FindCustomer("OAUTH_EXTERNAL", "acc-1", "cuid", "u1"); !ok || c.ID != 1001 {
		t.Errorf("FindCustomer: %+v %v", c, ok)
	}
}

func warningCodes(body map[string]any) []float64 {
	var out []float64
	ws, _ := body["warnings"].([]any)
	for _, w := range ws {
		c, _ := w.(map[string]any)["code"].(float64)
		out = append(out, c)
	}
	return out
}

func TestInvalidEmailAndMobileAreWarningsOnAdd(t *testing.T) {
	a := newAPI(t)
	a.link()
	st, body, _ := a.do("POST", addPath, profile("cuid", "u1", "email", "nope", "mobile", "07700900123"), nil)
	if st != 200 || body["createdId"] != float64(1001) || fmt.Sprint(warningCodes(body)) != "[8055 8056]" {
		t.Fatalf("add: %d %v", st, body)
	}
	c, _ := a.emu.FindCustomer("OAUTH_EXTERNAL", "acc-1", "cuid", "u1")
	if len(c.Profiles[0].Identifiers) != 1 {
		t.Errorf("the invalid identifiers are left out: %+v", c.Profiles[0].Identifiers)
	}
}

func TestMergesAcrossSources(t *testing.T) {
	a := newAPI(t)
	a.link()
	// An INSTORE registration, then the OAUTH_EXTERNAL add with the same email: merged, 8050, same id.
	instore := map[string]any{"profiles": []any{map[string]any{"firstName": "A", "identifiers": []any{map[string]string{"type": "email", "value": "a@example.com"}},
		"fields": map[string]any{"age": 42, "vip": true}}}}
	if st, body, _ := a.do("POST", "/v2/customers?source=INSTORE", instore, nil); st != 200 || body["createdId"] != float64(1001) {
		t.Fatalf("instore add: %d %v", st, body)
	}
	st, body, _ := a.do("POST", addPath, profile("cuid", "u1", "email", "a@example.com"), nil)
	if st != 200 || body["createdId"] != float64(1001) || fmt.Sprint(warningCodes(body)) != "[8050]" {
		t.Fatalf("merge on add: %d %v", st, body)
	}
	// GET answers every source's profile; INSTORE's has no accountId, its fields keep their types, and
	// commChannels carry string booleans.
	st, body, _ = a.do("GET", "/v2/customers/1001?source=OAUTH_EXTERNAL&accountId=acc-1", nil, nil)
	profiles, _ := body["profiles"].([]any)
	if st != 200 || len(profiles) != 2 {
		t.Fatalf("get: %d %v", st, body)
	}
	p0 := profiles[0].(map[string]any)
	if _, has := p0["accountId"]; has || p0["fields"].(map[string]any)["age"] != float64(42) || p0["fields"].(map[string]any)["vip"] != true {
		t.Errorf("INSTORE profile: %v", p0)
	}
	if ch := p0["commChannels"].([]any)[0].(map[string]any); ch["primary"] != "true" || ch["verified"] != "false" {
		t.Errorf("commChannels: %v", ch)
	}
	st, body, _ = a.do("GET", "/v2/customers/1001?source=OAUTH_EXTERNAL&accountId=acc-1&includedOnlyCurrentProfile=true", nil, nil)
	if profiles, _ := body["profiles"].([]any); st != 200 || len(profiles) != 1 {
		t.Errorf("includedOnlyCurrentProfile: %d %v", st, body)
	}

	// changeIdentifier adding a mobile held by another source's customer merges: that one survives.
	if st, body, _ := a.do("POST", "/v2/customers?source=INSTORE", map[string]any{"profiles": []any{map[string]any{
		"identifiers": []any{map[string]string{"type": "mobile", "value": "447700900999"}}}}}, nil); st != 200 || body["createdId"] != float64(1002) {
		t.Fatalf("second instore add: %d %v", st, body)
	}
	if st, body, _ := a.do("POST", addPath, profile("cuid", "u2"), nil); st != 200 || body["createdId"] != float64(1003) {
		t.Fatalf("second add: %d %v", st, body)
	}
	st, body, _ = a.do("POST", "/v2/customers/1003/changeIdentifier?source=OAUTH_EXTERNAL&accountId=acc-1",
		map[string]any{"add": []any{map[string]string{"type": "mobile", "value": "447700900999"}}}, nil)
	if st != 200 || body["createdId"] != float64(1002) || fmt.Sprint(warningCodes(body)) != "[8051]" {
		t.Fatalf("merge on changeIdentifier: %d %v", st, body)
	}
	// The victim's cuid now leads to the survivor, with 8069; so does a GET of the victim's id.
	st, body, _ = a.do("GET", "/v2/customers/lookup?source=OAUTH_EXTERNAL&accountId=acc-1&identifierName=cuid&identifierValue=u2", nil, nil)
	if st != 200 || body["entity"] != float64(1002) || fmt.Sprint(warningCodes(body)) != "[8069]" {
		t.Errorf("lookup of the victim: %d %v", st, body)
	}
	st, body, _ = a.do("GET", "/v2/customers/1003?source=OAUTH_EXTERNAL&accountId=acc-1", nil, nil)
	if st != 200 || body["id"] != float64(1002) || fmt.Sprint(warningCodes(body)) != "[8069]" {
		t.Errorf("get of the victim: %d %v", st, body)
	}
	// Adding what the customer already has: 8071; nothing at all: 8070.
	st, body, _ = a.do("POST", "/v2/customers/1002/changeIdentifier?source=OAUTH_EXTERNAL&accountId=acc-1",
		map[string]any{"add": []any{map[string]string{"type": "mobile", "value": "447700900999"}}}, nil)
	if st != 200 || fmt.Sprint(warningCodes(body)) != "[8071]" {
		t.Errorf("already attached: %d %v", st, body)
	}
	st, body, _ = a.do("POST", "/v2/customers/1002/changeIdentifier?source=OAUTH_EXTERNAL&accountId=acc-1", map[string]any{}, nil)
	if st != 200 || fmt.Sprint(warningCodes(body)) != "[8070]" {
		t.Errorf("no change: %d %v", st, body)
	}
}

func TestMandatoryFields(t *testing.T) {
	emu := intouchemu.New(intouchemu.Options{MandatoryFields: []string{"firstName", "lastName"}})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(func() { emu.Close(); srv.Close() })
	a := &api{t: t, emu: emu, srv: srv}
	_, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": "emu-client-key", "secret": "emu-client-secret"}, nil)
	a.token = body["data"].(map[string]any)["accessToken"].(string)
	a.link()
	st, body, _ := a.do("POST", addPath, profile("cuid", "u1"), nil)
	errs, _ := body["errors"].([]any)
	if st != 403 || len(errs) != 1 || errs[0].(map[string]any)["message"] != "Mandatory field is missing. Field lastName is mandatory" {
		t.Errorf("mandatory lastName: %d %v", st, body)
	}
}

func TestRateLimitPerMinute(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 30, 0, time.UTC)
	emu := intouchemu.New(intouchemu.Options{RateLimitPerMinute: 2, Now: func() time.Time { return now }})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(func() { emu.Close(); srv.Close() })
	a := &api{t: t, emu: emu, srv: srv}
	_, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": "emu-client-key", "secret": "emu-client-secret"}, nil)
	a.token = body["data"].(map[string]any)["accessToken"].(string)
	for i, want := range []int{200, 200, 429, 429} {
		if st, body, hdr := a.do("GET", "/v2/org/50123/sources", nil, nil); st != want || hdr.Get("Retry-After") != "" {
			t.Errorf("call %d: %d %v", i+1, st, body)
		}
	}
	now = now.Add(30 * time.Second) // the next clock minute
	if st, _, _ := a.do("GET", "/v2/org/50123/sources", nil, nil); st != 200 {
		t.Errorf("next minute: %d", st)
	}
}

func TestSources(t *testing.T) {
	emu := intouchemu.New(intouchemu.Options{APIDeniedSourceTypes: []string{"WECHAT"}})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(func() { emu.Close(); srv.Close() })
	a := &api{t: t, emu: emu, srv: srv}
	_, body, _ := a.do("POST", "/v3/oauth/token/generate", map[string]string{"key": "emu-client-key", "secret": "emu-client-secret"}, nil)
	a.token = body["data"].(map[string]any)["accessToken"].(string)
	a.link()
	_, list, _ := a.do("GET", "/v2/org/50123/sources?details=true", nil, nil)
	data := list["data"].([]any)
	created := data[len(data)-1].(map[string]any)
	if uuid, _ := created["uuid"].(string); len(uuid) != 32 || strings.Trim(uuid, "0123456789abcdef") != "" || created["toMirror"] != false {
		t.Errorf("account: %v", created)
	}
	if st, body, _ := a.do("GET", "/v2/org/50123/sources/"+created["uuid"].(string), nil, nil); st != 200 || body["sourceAccountIdentifier"] != "acc-1" {
		t.Errorf("get one: %d %v", st, body)
	}
	for name, c := range map[string]struct {
		body map[string]any
		code float64
	}{
		"exists":      {map[string]any{"name": "x", "sourceAccountIdentifier": "acc-1", "sourceTypeName": "OAUTH_EXTERNAL", "toMirror": false, "configs": map[string]any{}}, 3220},
		"denied type": {map[string]any{"name": "x", "sourceAccountIdentifier": "w", "sourceTypeName": "WECHAT", "toMirror": false}, 3218},
		"no name":     {map[string]any{"sourceAccountIdentifier": "w", "sourceTypeName": "LINE"}, 3216},
		"no account":  {map[string]any{"name": "x", "sourceTypeName": "LINE"}, 3217},
	} {
		if st, body, _ := a.do("POST", "/v2/org/50123/sources", c.body, nil); st != 400 || code(body) != c.code {
			t.Errorf("%s: %d %v", name, st, body)
		}
	}
	if st, body, _ := a.do("GET", "/v2/org/50123/sources/00000000000000000000000000000000", nil, nil); st != 404 || code(body) != 3213 {
		t.Errorf("unknown uuid: %d %v", st, body)
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
