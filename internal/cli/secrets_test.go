package cli_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

// Every command, run with platform secrets in the environment and --debug:
// no secret, password (or its md5, or the Basic value), access token, ID
// token or token signature reaches stdout, stderr, or any file written in
// the workspace or the cache. `sandbox` is left out: printing its own test
// credentials is its job. `token sign` prints the token it mints, and `keys
// generate` writes the private key it makes, into the file named for it.
func TestNoSecretInAnyOutput(t *testing.T) {
	p := newPlatform(t)
	o := p.emu.Options()
	ciamTokens := p.tokens("alice")
	idToken, accessToken := ciamTokens.IDToken, ciamTokens.AccessToken
	sig := idToken[strings.LastIndexByte(idToken, '.')+1:]

	oauthEnv := map[string]string{}
	for k, v := range p.env {
		oauthEnv[k] = v
	}
	// Both kinds of credentials set: OAuth is used, the password must not leak either.
	oauthEnv["CIAMCTL_INTOUCH_USERNAME"] = o.Username
	oauthEnv["CIAMCTL_INTOUCH_PASSWORD"] = o.Password
	basicEnv := map[string]string{"CIAMCTL_CACHE_DIR": p.env["CIAMCTL_CACHE_DIR"]}
	p.emu.SetEnv(basicEnv, p.env["CIAMCTL_INTOUCH_URL"], true)

	// A key set URL with a token in its query (some CDNs sign URLs so).
	const urlToken = "jwks-url-Token-77"
	signedJWKS := p.iss + "/.well-known/jwks.json?access_token=" + urlToken

	keysDir := t.TempDir()
	second := t.TempDir()
	claimsFile := filepath.Join(clitest.RepoRoot(t), "testdata", "claims", "nested.json")
	commands := [][]string{
		{"brand", "add", "--no-input", "--dir", second, "--name", "disc", "--application-id", "app", "--client-id", "acme-loyalty", "--discover", p.iss, "--map", "email=email"},
		{"brand", "list"}, {"brand", "show", "acme"}, {"brand", "export", "acme"}, {"brand", "export", "acme", "--format", "json"},
		{"config", "validate"}, {"config", "validate", "--online"}, {"config", "validate", "--online", "--format", "github"},
		{"jwks", "inspect", p.iss + "/.well-known/jwks.json"}, {"jwks", "inspect", signedJWKS},
		{"token", "verify", "--jwks", signedJWKS, "--issuer", p.iss, "--audience", "acme-loyalty", idToken},
		{"token", "decode", idToken}, {"token", "decode", idToken, "-o", "json"},
		{"token", "verify", "--brand", "acme", idToken}, {"token", "verify", "--brand", "acme", idToken, "-o", "json"},
		{"token", "verify", "--jwks", p.iss + "/.well-known/jwks.json", "--no-cache", idToken},
		{"channel", "link", "--brand", "acme", "--dry-run"}, {"channel", "link", "--brand", "acme"}, {"channel", "list"},
		{"mapping", "dry-run", "--brand", "acme", idToken}, {"mapping", "dry-run", "--brand", "acme", "--claims", claimsFile, "-o", "json"},
		{"flow", "login", "--brand", "acme", idToken}, {"flow", "login", "--brand", "acme", idToken, "--apply"},
		{"flow", "login", "--brand", "acme", idToken, "--apply", "-o", "json"},
		{"customer", "lookup", "--brand", "acme", "--cuid", p.sub("alice")},
		{"customer", "register", "--brand", "acme", "--source", "INSTORE", idToken, "--field", "city=Leeds"},
		{"customer", "register", "--brand", "acme", "--source", "INSTORE", idToken, "--apply", "-o", "json"},
		{"customer", "change-identifier", "--brand", "acme", "--cuid", p.sub("alice"), "--email", "alice@example.com", "--token", idToken},
		{"token", "userinfo", "--brand", "acme", accessToken, "--id-token", idToken},
		{"doctor", "--brand", "acme", "--access-token", accessToken, "--id-token", idToken},
		{"flow", "logout", "--brand", "acme", "--id-token-hint", idToken, "--access-token", accessToken, "--refresh-token", "rt-secret-value"},
		{"flow", "logout", "--brand", "acme", "--id-token-hint", idToken, "--access-token", accessToken, "--refresh-token", "rt-secret-value", "--apply", "-o", "json"},
		{"doctor", "--brand", "acme"}, {"doctor", "--brand", "acme", "-o", "json"},
		{"keys", "generate", "--out", keysDir, "--force"}, {"version"}, {"completion", "bash"}, {"demo"},
		// Failures print errors, which must be as clean.
		{"token", "verify", "--brand", "acme", idToken[:len(idToken)-4] + "AAAA"},
		{"flow", "login", "--brand", "nope", idToken},
	}

	var outputs []string
	for _, env := range []map[string]string{oauthEnv, basicEnv} {
		for _, args := range commands {
			res := clitest.Run(t, clitest.Opts{Env: env}, append(args, "--dir", p.dir, "--debug")...)
			name := strings.Join(args[:min(2, len(args))], " ")
			if res.Code > 1 && args[0] != "flow" {
				t.Errorf("%s: exit %d: %s", name, res.Code, res.Stderr)
			}
			outputs = append(outputs, name+"\x00"+res.Stdout+res.Stderr)
		}
	}
	// A platform that echoes what it was sent (the secret, the token, the
	// Basic value) in its error messages, headers and non-JSON bodies.
	echo := newEchoPlatform(t)
	for _, env := range []map[string]string{oauthEnv, basicEnv} {
		echoEnv := map[string]string{}
		for k, v := range env {
			echoEnv[k] = v
		}
		echoEnv["CIAMCTL_INTOUCH_URL"] = echo.URL
		for _, args := range [][]string{
			{"channel", "list"}, {"channel", "link", "--brand", "acme"}, {"customer", "lookup", "--brand", "acme", "--cuid", p.sub("alice")},
			{"flow", "login", "--brand", "acme", idToken, "--apply"}, {"doctor", "--brand", "acme"},
		} {
			res := clitest.Run(t, clitest.Opts{Env: echoEnv}, append(args, "--dir", p.dir, "--debug")...)
			if res.Code == 0 {
				t.Errorf("%s against the echoing platform: exit 0", strings.Join(args[:2], " "))
			}
			outputs = append(outputs, "echo "+strings.Join(args[:2], " ")+"\x00"+res.Stdout+res.Stderr)
		}
	}
	if !strings.Contains(strings.Join(outputs, ""), "REDACTED") {
		t.Fatal("nothing was redacted: the echo runs would prove nothing")
	}

	if !strings.Contains(strings.Join(outputs, ""), "http > GET") || !strings.Contains(strings.Join(outputs, ""), "intouch >") {
		t.Fatal("--debug traced nothing: the test would prove nothing")
	}
	for _, dir := range []string{p.dir, second, p.env["CIAMCTL_CACHE_DIR"]} {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(path)
				outputs = append(outputs, "file "+path+"\x00"+string(b))
			}
			return nil
		})
	}

	sum := md5.Sum([]byte(o.Password))
	secrets := map[string]string{
		"client secret":   o.ClientSecret,
		"password":        o.Password,
		"password md5":    hex.EncodeToString(sum[:]),
		"basic value":     base64.StdEncoding.EncodeToString([]byte(o.Username + ":" + hex.EncodeToString(sum[:]))),
		"ID token":        idToken,
		"access token":    accessToken,
		"refresh token":   "rt-secret-value",
		"token signature": sig,
		"JWKS URL token":  urlToken,
		"echoed token":    echoToken,
	}
	for _, at := range p.emu.IssuedTokens() {
		secrets["platform access token "+at[:min(6, len(at))]] = at
	}
	for _, out := range outputs {
		where, text, _ := strings.Cut(out, "\x00")
		for what, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("%s: the %s appears", where, what)
			}
		}
	}
}

// token fetch, every flow, with --debug: the client secret, the password,
// the authorization code and every token the CIAM issued stay out of stderr
// (the trace included) and out of any file; stdout carries only what the
// command prints on purpose (the ID token, or the access token for client
// credentials; everything with -o json), never the secret or password.
func TestTokenFetchKeepsSecretsOutOfOutput(t *testing.T) {
	const secret, password = "cl1ent-Secr3t-9931", "Pa55-unique-7731"
	c := newFetchCIAM(t, ciamemu.Options{ClientSecret: secret, DeviceInterval: time.Second,
		Users: []ciamemu.User{{Username: "carol", Password: password, GivenName: "Carol", Email: "carol@example.com"}}})
	env := map[string]string{"CIAMCTL_CACHE_DIR": c.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CIAM_CLIENT_SECRET": secret, "CIAMCTL_CIAM_PASSWORD": password}

	var stdouts, stderrs []string
	var codes []string
	run := func(o clitest.Opts, args ...string) {
		t.Helper()
		o.Env = env
		res := c.run(o, append(args, "--debug", "-o", "json")...)
		expectCode(t, res, 0)
		stdouts, stderrs = append(stdouts, res.Stdout), append(stderrs, res.Stderr)
	}
	b := &browser{t: t, username: "carol", password: password}
	run(clitest.Opts{Browser: b.open})
	codes = append(codes, b.callback.Get("code"))
	run(clitest.Opts{}, "--flow", "password", "--username", "carol")
	run(clitest.Opts{}, "--flow", "client-credentials")
	go func() {
		for range 300 {
			if pending := c.ciam.PendingUserCodes(); len(pending) == 1 {
				_ = c.ciam.ApproveDevice(pending[0], "carol")
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	run(clitest.Opts{}, "--flow", "device")

	if !strings.Contains(strings.Join(stderrs, ""), "http > POST "+c.iss+"/oauth/token") {
		t.Fatal("--debug traced no token request: the test would prove nothing")
	}
	secrets := map[string]string{"client secret": secret, "password": password, "code": codes[0]}
	for i, out := range stdouts {
		var toks map[string]any
		if err := json.Unmarshal([]byte(out), &toks); err != nil {
			t.Fatalf("run %d: %v: %s", i, err, out)
		}
		for _, k := range []string{"id_token", "access_token", "refresh_token"} {
			if s, _ := toks[k].(string); s != "" {
				secrets[fmt.Sprintf("run %d %s", i, k)] = s
				secrets[fmt.Sprintf("run %d %s signature", i, k)] = s[strings.LastIndexByte(s, '.')+1:]
			}
		}
	}
	var files []string
	_ = filepath.WalkDir(c.env["CIAMCTL_CACHE_DIR"], func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			files = append(files, path+"\x00"+string(b))
		}
		return nil
	})
	_ = filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(path) != "acme.yaml" {
			t.Errorf("token fetch wrote %s", path)
		}
		return nil
	})
	for what, s := range secrets {
		for i, e := range stderrs {
			if strings.Contains(e, s) {
				t.Errorf("stderr of run %d shows the %s", i, what)
			}
		}
		for _, f := range files {
			if strings.Contains(f, s) {
				t.Errorf("%s holds the %s", strings.Split(f, "\x00")[0], what)
			}
		}
	}
	for i, out := range stdouts {
		if strings.Contains(out, secret) || strings.Contains(out, password) || strings.Contains(out, codes[0]) {
			t.Errorf("stdout of run %d shows the secret, password or code", i)
		}
	}
}

// echoToken is the access token the echoing platform issues.
const echoToken = "echo-platform-Access-Token-0123456789"

// newEchoPlatform answers the token call, then fails every call with a
// message quoting the body and credentials it received: as JSON errors[]
// for GETs, as an HTML page otherwise, and in X-Cap-Requestid.
func newEchoPlatform(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v3/oauth/token/generate" {
			_, _ = w.Write([]byte(`{"data":{"accessToken":"` + echoToken + `","ttlSeconds":3600},"errors":null,"echo":` + strconv.Quote(string(body)) + `}`))
			return
		}
		creds := r.Header.Get("X-CAP-API-OAUTH-TOKEN") + " " + r.Header.Get("Authorization")
		w.Header().Set("X-Cap-Requestid", creds)
		w.WriteHeader(http.StatusBadRequest)
		if r.Method == http.MethodGet {
			msg, _ := json.Marshal("refused " + creds + " " + string(body))
			_, _ = w.Write([]byte(`{"errors":[{"code":9999,"message":` + string(msg) + `}]}`))
			return
		}
		_, _ = w.Write([]byte("<html>refused " + creds + "</html>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}
