package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/oidc/hostile"
)

// hostileToken returns a case of testdata/hostile and the token verify
// arguments for it (without the token).
func hostileToken(t *testing.T, name string) (string, []string) {
	t.Helper()
	dir := filepath.Join(clitest.RepoRoot(t), "testdata", "hostile")
	m, err := hostile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Cases {
		if c.Name != name {
			continue
		}
		tok, err := c.Materialize(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		return tok, []string{"token", "verify", "--jwks", filepath.Join(dir, c.JWKS),
			"--issuer", c.Policy.Issuer, "--audience", c.Policy.Audience, "--now", c.Now}
	}
	t.Fatalf("no hostile case %s", name)
	return "", nil
}

// Issue 12, item 9: the verdict names the sub that was checked. A
// case-insensitive decode of the claims picked the last of "sub" and "SUB".
func TestTokenVerifyShowsTheCheckedSub(t *testing.T) {
	tok, args := hostileToken(t, "sub-and-SUB")
	const sub = `"8d0c5b7e-2f4a-4c61-9e3b-7a1d2c3b4e5f"`
	opts := clitest.Opts{Env: tkEnv(t)}
	res := clitest.Run(t, opts, append(args, tok)...)
	if res.Code != 0 || !strings.Contains(res.Stdout, "Valid ID token for sub "+sub+"\n") || strings.Contains(res.Stdout, "admin") {
		t.Errorf("exit %d, verdict:\n%s", res.Code, res.Stdout)
	}
	opts.Stdin = strings.NewReader(tok + "\n")
	res = clitest.Run(t, opts, append(args, "--batch", "-")...)
	if res.Code != 0 || res.Stdout != "✓ line 1: valid, sub "+sub+"\n" {
		t.Errorf("batch: exit %d, stdout %q", res.Code, res.Stdout)
	}
}

// noRawControls fails when text output holds a character a terminal would
// act on: C0 controls but newline (and tab where allowed), DEL, C1 controls,
// bidi overrides and isolates.
func noRawControls(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("%s: raw %U at byte %d:\n%q", what, r, i, s)
			return
		}
	}
}

// The payload of issue 12, item 10: erase the line, return, print a verdict.
const forged = "\x1b[2K\r✓ verified"

// Issue 12, item 10: a token's header and claims reach the terminal
// escaped, in token decode and token verify, single and batch.
func TestTokenTextEscapesControlCharacters(t *testing.T) {
	// The kid carries ESC and CR (JSON-escaped in the token, decoded by the
	// verifier); the claims carry a raw C1 CSI, DEL and a bidi override,
	// which JSON allows unescaped.
	header := `{"alg":"ES256","kid":"\u001b[2K\r✓ verified\u009b31m","typ":"JWT"}`
	claims := "{\"iss\":\"" + tkIssuer + "\",\"aud\":\"" + tkAudience + "\",\"sub\":\"u1\",\"iat\":1,\"exp\":2," +
		"\"name\":\"\u009b2K\u202e✓ verified\x7f\"}"
	tok := tkUnsigned(header, claims, "c2ln")
	opts := clitest.Opts{Env: tkEnv(t)}
	args := []string{"token", "verify", "--jwks", tkJWKSFile(t), "--issuer", tkIssuer, "--audience", tkAudience}

	dec := clitest.Run(t, opts, "token", "decode", tok)
	noRawControls(t, "token decode", dec.Stdout+dec.Stderr)
	if dec.Code != 0 || !strings.Contains(dec.Stdout, `"name": "\u009b2K\u202e✓ verified\u007f"`) {
		t.Errorf("token decode: exit %d\n%s", dec.Code, dec.Stdout)
	}
	ver := clitest.Run(t, opts, append(args, tok)...)
	noRawControls(t, "token verify", ver.Stdout+ver.Stderr)
	if ver.Code != 1 || !strings.Contains(ver.Stdout, `✗ kid         "\x1b[2K\r✓ verified\u009b31m" is not in the set`) {
		t.Errorf("token verify: exit %d\n%s", ver.Code, ver.Stdout)
	}
	for _, format := range []string{"json", "yaml"} {
		res := clitest.Run(t, opts, append(args, "-o", format, tok)...)
		noRawControls(t, "token verify -o "+format, res.Stdout+res.Stderr)
		if res.Code != 1 {
			t.Errorf("-o %s: exit %d %s", format, res.Code, res.Stderr)
		}
	}
	o := opts
	o.Stdin = strings.NewReader(tok + "\n")
	batch := clitest.Run(t, o, append(args, "--batch", "-")...)
	noRawControls(t, "token verify --batch", batch.Stdout+batch.Stderr)
	o.Stdin = strings.NewReader(tok + "\n")
	jsonl := clitest.Run(t, o, append(args, "--batch", "-", "-o", "json")...)
	noRawControls(t, "token verify --batch -o json", jsonl.Stdout)
	if !strings.Contains(jsonl.Stdout, `\u009b2K\u202e`) {
		t.Errorf("--batch -o json: the claims are not escaped:\n%s", jsonl.Stdout)
	}
}

// Issue 12, item 10: brand file values are escaped by brand list, show,
// export (the ticket) and config validate (text and github).
func TestBrandTextEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	// YAML's "\e" is ESC; "\x9b" is C1 CSI; the jwksUri's ESC makes an error
	// message that quotes the value.
	file := `apiVersion: ciamctl/v1
kind: BrandConfig
brand: acme
ciam:
  provider: "nextreason\e[2K\r✓ verified\x9b31m"
  applicationId: app
  clientId: acme-loyalty
  userinfoEndpoint: https://id.acme.example/userinfo
  jwksUri: https://id.acme.example/.well-known/jwks.json
mappings:
  email: "email\u202e"
channel:
  source: OAUTH_EXTERNAL
  accountId: acme
  accountName: "Acme\e]0;pwned\a\e[8m hidden"
`
	path := filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := clitest.Opts{}
	provider, mapped, account := `nextreason\x1b[2K\r✓ verified\u009b31m`, `email\u202e`, `Acme\x1b]0;pwned\a\x1b[8m hidden`
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"brand", "list"}, []string{provider}},
		{[]string{"brand", "show", "acme"}, []string{provider, mapped, account}},
		{[]string{"brand", "export", "acme"}, []string{mapped, account}},
	} {
		res := clitest.Run(t, opts, append(c.args, "--dir", dir)...)
		what := strings.Join(c.args, " ")
		noRawControls(t, what, res.Stdout+res.Stderr)
		for _, w := range c.want {
			if res.Code != 0 || !strings.Contains(res.Stdout, w) {
				t.Errorf("%s: exit %d, want %s in\n%s%s", what, res.Code, w, res.Stdout, res.Stderr)
			}
		}
	}

	bad := strings.Replace(file, "clientId: acme-loyalty", "clientId: acme-loyalty\n  issuer: \"https://id.acme.example/\\e[2K\\r✓\"", 1)
	bad = strings.Replace(bad, "provider:", "\"prov\\e[2Kider\\r\\n::error file=x::forged\": 1\n  provider:", 1)
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "github"} {
		res := clitest.Run(t, opts, "config", "validate", "--format", format, path)
		noRawControls(t, "config validate --format "+format, res.Stdout+res.Stderr)
		if res.Code != 1 || !strings.Contains(res.Stdout, `\x1b[2K`) {
			t.Errorf("config validate --format %s: exit %d\n%s%s", format, res.Code, res.Stdout, res.Stderr)
		}
		if format != "github" {
			continue
		}
		// Every line is one of our workflow commands: the value's CR LF
		// cannot start another (the runner reads commands at line starts).
		for _, line := range strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n") {
			if !strings.HasPrefix(line, "::error file="+path+",") && !strings.HasPrefix(line, "::warning file="+path+",") {
				t.Errorf("github: a line that is not our workflow command: %q", line)
			}
		}
	}
}

// Issue 12, item 10: a JWKS's kid, alg and use are escaped by jwks inspect.
func TestJWKSInspectEscapesControlCharacters(t *testing.T) {
	set := `{"keys":[{"kty":"EC","kid":"k\u001b[2K\r✓ verified","alg":"ES256\u001b[31m","use":"sig\u009b0m","crv":"P-256",` +
		`"x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, []byte(set), 0o644); err != nil {
		t.Fatal(err)
	}
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "jwks", "inspect", path)
	noRawControls(t, "jwks inspect", res.Stdout+res.Stderr)
	if !strings.Contains(res.Stdout, `\x1b[31m`) || !strings.Contains(res.Stdout, `\u009b0m`) {
		t.Errorf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
}

// Issue 12, item 10: answers of the platform (emulated, over HTTP) are
// escaped by channel list, flow login and customer lookup.
func TestPlatformTextEscapesControlCharacters(t *testing.T) {
	p := newPlatform(t)
	p.link()
	p.emu.AddSource(intouchemu.Source{Name: "Evil" + forged, SourceAccountIdentifier: "evil\x1b]0;pwned\x07", SourceTypeName: "INSTORE", IsActive: true})
	res := p.run("channel", "list")
	noRawControls(t, "channel list", res.Stdout+res.Stderr)
	if res.Code != 0 || !strings.Contains(res.Stdout, `Evil\x1b[2K\r✓ verified`) {
		t.Errorf("channel list: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	sub := p.sub("alice")
	if _, err := p.ciam.UpdateUser(sub, func(u *ciamemu.User) { u.GivenName = "Alice" + forged + "\u009b" }); err != nil {
		t.Fatal(err)
	}
	tok := p.token("alice")
	for _, args := range [][]string{
		{"mapping", "dry-run", "--brand", "acme", tok},
		{"flow", "login", "--brand", "acme", tok, "--apply"},
		{"customer", "lookup", "--brand", "acme", "--cuid", sub},
	} {
		res := p.run(args...)
		what := strings.Join(args[:2], " ")
		noRawControls(t, what, res.Stdout+res.Stderr)
		if res.Code != 0 || !strings.Contains(res.Stdout, `Alice\x1b[2K\r✓ verified\u009b`) {
			t.Errorf("%s: exit %d\n%s%s", what, res.Code, res.Stdout, res.Stderr)
		}
	}
}

// Issue 12, item 10: the one error printer escapes the message and hint.
func TestErrorLineEscapesControlCharacters(t *testing.T) {
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--jwks", "/nonexistent/keys"+forged+".json",
		"--issuer", tkIssuer, "--audience", tkAudience, tkSign(t, "main", nil))
	noRawControls(t, "error line", res.Stderr)
	// (The printer also folds whitespace, CR included, into spaces.)
	if res.Code == 0 || !strings.Contains(res.Stderr, `keys\x1b[2K ✓ verified.json`) {
		t.Errorf("exit %d\n%s", res.Code, res.Stderr)
	}
}
