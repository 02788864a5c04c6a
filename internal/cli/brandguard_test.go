package cli_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// Issue 12, item 1: a brand with errors is never used. Each command that
// takes --brand is run with a brand whose file has errors and must refuse
// it (exit 2, the same message) before any request: the CIAM and platform
// servers below count every request they get.

// counting is a server that answers 503 to everything and counts requests.
func counting(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "counted", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// withLoopbackDNS answers every A query with 127.0.0.1 (and AAAA with no
// address), so a URL with a public-looking host such as
// http://jwks.acme.test:PORT/ reaches a local test server: a request sent
// in clear text to a non-loopback name would be seen. Like withFakeDNS it
// swaps net.DefaultResolver, so its tests do not run in parallel.
func withLoopbackDNS(t *testing.T) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := loopbackAnswer(buf[:n]); resp != nil {
				_, _ = pc.WriteTo(resp, addr)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	old := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
	t.Cleanup(func() { net.DefaultResolver = old; pc.Close() })
}

// loopbackAnswer answers a DNS query (RFC 1035 §4.1): its question, and for
// type A one record 127.0.0.1; nil for what is not a query.
func loopbackAnswer(q []byte) []byte {
	if len(q) < 12 || q[2]&0x80 != 0 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil
	}
	i := 12
	for i < len(q) && q[i] != 0 {
		i += int(q[i]) + 1
	}
	i++ // the root label
	if i+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i : i+2])
	i += 4
	r := append([]byte(nil), q[:i]...)
	r[2] = 0x80 | q[2]&0x79 // QR, the query's opcode and RD
	r[3] = 0x80             // RA, no error
	binary.BigEndian.PutUint16(r[6:], 0)
	binary.BigEndian.PutUint16(r[8:], 0)
	binary.BigEndian.PutUint16(r[10:], 0)
	if qtype == 1 {
		binary.BigEndian.PutUint16(r[6:], 1)
		r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
	}
	return r
}

// brokenBrands are brand files with one error each, pointing at ciam.
func brokenBrands(ciam string) map[string]string {
	port := strings.TrimPrefix(ciam, "http://127.0.0.1")
	head := "apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: acme\norgId: 50123\nciam:\n  applicationId: app-acme\n"
	tail := "mappings:\n  email: email\nchannel:\n  source: OAUTH_EXTERNAL\n  accountId: acme-ciam\n  accountName: Acme CIAM\n"
	return map[string]string{
		// A typo leaves clientId empty, which would turn the audience check off.
		"clientID typo": head + "  clientID: acme-loyalty\n  issuer: " + ciam + "/\n  userinfoEndpoint: " + ciam +
			"/userinfo\n  jwksUri: " + ciam + "/jwks\n" + tail,
		// Keys over clear text from a host that is not loopback.
		"http jwksUri": head + "  clientId: acme-loyalty\n  issuer: " + ciam + "/\n  userinfoEndpoint: " + ciam +
			"/userinfo\n  jwksUri: http://jwks.acme.test" + port + "/jwks\n" + tail,
	}
}

var brokenBrandMessages = map[string]string{
	"clientID typo": `ciam.clientID: unknown field; did you mean "clientId"?`,
	"http jwksUri":  "ciam.jwksUri",
}

func TestBrandWithErrorsIsNeverUsed(t *testing.T) {
	withLoopbackDNS(t)
	ciam, ciamHits := counting(t)
	platform, platformHits := counting(t)
	tok := tkSign(t, "main", nil)
	claims := filepath.Join(t.TempDir(), "claims.json")
	if err := os.WriteFile(claims, []byte(`{"sub":"u1","email":"a@b.example"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"CIAMCTL_CACHE_DIR":             t.TempDir(),
		"CIAMCTL_INTOUCH_URL":           platform.URL,
		"CIAMCTL_INTOUCH_ORG_ID":        "50123",
		"CIAMCTL_INTOUCH_CLIENT_KEY":    "key",
		"CIAMCTL_INTOUCH_CLIENT_SECRET": "secret",
		"CIAMCTL_CIAM_PASSWORD":         "pw",
		"CIAMCTL_CIAM_CLIENT_SECRET":    "cs",
	}
	commands := map[string][]string{
		"token verify":                          {"token", "verify", "--brand", "acme", tok},
		"mapping dry-run":                       {"mapping", "dry-run", "--brand", "acme", tok},
		"mapping dry-run -o json":               {"mapping", "dry-run", "--brand", "acme", "-o", "json", tok},
		"mapping dry-run --claims":              {"mapping", "dry-run", "--brand", "acme", "--claims", claims},
		"flow login --apply":                    {"flow", "login", "--brand", "acme", "--apply", tok},
		"channel link":                          {"channel", "link", "--brand", "acme"},
		"channel list --brand":                  {"channel", "list", "--brand", "acme"},
		"customer lookup --brand":               {"customer", "lookup", "--brand", "acme", "--cuid", "u1"},
		"token fetch":                           {"token", "fetch", "--brand", "acme", "--no-browser", "--login-timeout", "1s"},
		"token fetch --flow password":           {"token", "fetch", "--brand", "acme", "--flow", "password", "--username", "u1"},
		"token fetch --flow client-credentials": {"token", "fetch", "--brand", "acme", "--flow", "client-credentials"},
	}
	for brandCase, file := range brokenBrands(ciam.URL) {
		for name, args := range commands {
			t.Run(brandCase+"/"+name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "acme.yaml")
				if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
					t.Fatal(err)
				}
				ciamHits.Store(0)
				platformHits.Store(0)
				res := clitest.Run(t, clitest.Opts{Env: env}, append(args, "--dir", dir)...)
				if n, m := ciamHits.Load(), platformHits.Load(); n+m != 0 {
					t.Errorf("%d requests reached the CIAM and %d the platform from a brand with errors", n, m)
				}
				expectCode(t, res, 2)
				want := `error: brand "acme": ` + path + " has errors, so it cannot be used\n" +
					"hint: fix them (`ciamctl config validate " + path + "` shows each), then run the command again\n"
				if !strings.HasSuffix(res.Stderr, want) {
					t.Errorf("stderr does not end with the refusal:\n%s\nwant:\n%s", res.Stderr, want)
				}
				if !strings.Contains(res.Stderr, path+":") || !strings.Contains(res.Stderr, brokenBrandMessages[brandCase]) {
					t.Errorf("the file's problems are not on stderr:\n%s", res.Stderr)
				}
				if res.Stdout != "" {
					t.Errorf("stdout: %q", res.Stdout)
				}
				if after, _ := os.ReadFile(path); string(after) != file {
					t.Error("the brand file changed")
				}
			})
		}
	}
}

// doctor reports a brand with errors and checks nothing that would use it.
func TestDoctorNeverFetchesFromABrandWithErrors(t *testing.T) {
	withLoopbackDNS(t)
	ciam, ciamHits := counting(t)
	emu := intouchemu.New(intouchemu.Options{})
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	withOrg := map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}
	emu.SetEnv(withOrg, base, false)
	noOrg := map[string]string{}
	for k, v := range withOrg {
		if k != "CIAMCTL_INTOUCH_ORG_ID" {
			noOrg[k] = v
		}
	}
	for brandCase, file := range brokenBrands(ciam.URL) {
		t.Run(brandCase, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "acme.yaml")
			if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
				t.Fatal(err)
			}
			ciamHits.Store(0)
			// Without an org from flags or the environment, the platform
			// check would need the brand's orgId: skipped too.
			res, rep := runDoctor(t, clitest.Opts{Env: noOrg}, "--dir", dir)
			expectCode(t, res, 1)
			if got := statuses(rep); got != "config=failed discovery=skipped jwks=skipped userinfo=skipped intouch=skipped org=skipped channel=skipped" {
				t.Errorf("statuses: %s", got)
			}
			for _, c := range rep.Checks[1:] {
				if !strings.Contains(c.Detail, path+" has errors") {
					t.Errorf("%s: detail %q does not say the brand file has errors", c.Name, c.Detail)
				}
			}
			// With the org given, the credentials are still checked; nothing
			// of the brand is used.
			res, rep = runDoctor(t, clitest.Opts{Env: withOrg}, "--dir", dir)
			expectCode(t, res, 1)
			if got := statuses(rep); got != "config=failed discovery=skipped jwks=skipped userinfo=skipped intouch=ok org=skipped channel=skipped" {
				t.Errorf("statuses with the org from the environment: %s", got)
			}
			if n := ciamHits.Load(); n != 0 {
				t.Errorf("%d requests reached the CIAM of a brand with errors", n)
			}
		})
	}
}
