package cli_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
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

	keysDir := t.TempDir()
	second := t.TempDir()
	claimsFile := filepath.Join(clitest.RepoRoot(t), "testdata", "claims", "nested.json")
	commands := [][]string{
		{"brand", "add", "--no-input", "--dir", second, "--name", "disc", "--application-id", "app", "--client-id", "acme-loyalty", "--discover", p.iss, "--map", "email=email"},
		{"brand", "list"}, {"brand", "show", "acme"}, {"brand", "export", "acme"}, {"brand", "export", "acme", "--format", "json"},
		{"config", "validate"}, {"config", "validate", "--online"}, {"config", "validate", "--online", "--format", "github"},
		{"jwks", "inspect", p.iss + "/.well-known/jwks.json"},
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
