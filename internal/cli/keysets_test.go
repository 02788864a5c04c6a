package cli_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// ksForgeIdentity "signs" claims for the Ed25519 identity point without a
// private key: R = the identity's encoding and S = 0, which crypto/ed25519
// accepts for every message when the public key is the identity.
func ksForgeIdentity(t *testing.T, kid string) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	header, _ := json.Marshal(map[string]any{"alg": "EdDSA", "kid": kid, "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": tkIssuer, "aud": tkAudience, "sub": "admin",
		"iat": tkNow.Add(-10 * time.Minute).Unix(), "exp": tkNow.Add(10 * time.Minute).Unix(),
	})
	input := enc(header) + "." + enc(claims)
	sig := append([]byte{1}, make([]byte, 63)...)
	identity := append([]byte{1}, make([]byte, 31)...)
	if !ed25519.Verify(identity, []byte(input), sig) {
		t.Fatal("the forgery does not verify with crypto/ed25519: the test proves nothing")
	}
	return input + "." + enc(sig)
}

// A key set publishing small-order Ed25519 keys: `jwks inspect` flags them
// and `token verify` refuses a token forged for one of them.
func TestSmallOrderEd25519Keys(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	const set = "testdata/keysets/ed25519-small-order.json"
	ins := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", set)
	if ins.Code != 1 {
		t.Errorf("jwks inspect: exit %d, want 1\n%s%s", ins.Code, ins.Stdout, ins.Stderr)
	}
	clitest.Golden(t, "jwks/inspect-ed25519-small-order.txt", ins.Stdout)

	forged := ksForgeIdentity(t, "ed-identity")
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--jwks", set,
		"--issuer", tkIssuer, "--audience", tkAudience, "-o", "json", forged)
	var out tkResult
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", res.Code, err, res.Stdout, res.Stderr)
	}
	if res.Code != 1 || out.Valid || out.Reason != "unknown_kid" || out.Error == nil || !strings.Contains(*out.Error, "not usable") {
		t.Errorf("forged token: exit %d, valid %v, reason %q, error %v", res.Code, out.Valid, out.Reason, out.Error)
	}
}

// Provider-shaped key sets (testdata/keysets, see its README): PayPal's
// X25519 encryption key and Yahoo's RSA-1024 key next to its ES256 key.
func TestProviderKeySetsInspect(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	for _, c := range []struct {
		golden string
		args   []string
		code   int
	}{
		{"inspect-paypal.txt", []string{"testdata/keysets/paypal.json"}, 0},
		{"inspect-yahoo.txt", []string{"testdata/keysets/yahoo.json"}, 1},
		{"inspect-yahoo-es256.txt", []string{"--alg", "ES256", "testdata/keysets/yahoo.json"}, 0},
		{"inspect-yahoo-rs256.txt", []string{"--alg", "RS256", "testdata/keysets/yahoo.json"}, 1},
		// The second certificate has a negative serial: read, not flagged.
		{"inspect-azure-v1.txt", []string{"testdata/keysets/azure-v1.json"}, 0},
	} {
		res := clitest.Run(t, clitest.Opts{}, append([]string{"jwks", "inspect"}, c.args...)...)
		if res.Code != c.code || res.Stderr != "" {
			t.Errorf("%v: exit %d, want %d\n%s%s", c.args, res.Code, c.code, res.Stdout, res.Stderr)
		}
		clitest.Golden(t, "jwks/"+c.golden, res.Stdout)
	}
	js := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", "--alg", "ES256", "-o", "json", "testdata/keysets/yahoo.json")
	var rep struct {
		Valid      bool
		Usable     int
		Algorithms []string
		Problems   []struct{ Kid, Severity string }
	}
	if err := json.Unmarshal([]byte(js.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if js.Code != 0 || !rep.Valid || rep.Usable != 1 || len(rep.Algorithms) != 1 || len(rep.Problems) != 1 || rep.Problems[0].Severity != "warning" {
		t.Errorf("json: exit %d %s", js.Code, js.Stdout)
	}
	for _, bad := range []string{"HS256", "none", "RSA-OAEP"} {
		if res := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", "--alg", bad, "testdata/keysets/yahoo.json"); res.Code != 2 || !strings.Contains(res.Stderr, "--alg") {
			t.Errorf("--alg %s: exit %d %q", bad, res.Code, res.Stderr)
		}
	}
}

// config validate --online passes a brand allowing only ES256 whose CIAM
// publishes Yahoo's set, and one with the default list whose CIAM publishes
// PayPal's, each with a warning about the key it does not use.
func TestProviderKeySetsOnline(t *testing.T) {
	for _, c := range []struct {
		set, algs, warning string
	}{
		{"yahoo.json", "[ES256]", `warning: ciam.jwksUri: JWKS key "0cc175b9c0f1b6a831c399e269772661": RSA modulus is 1024 bits`},
		{"paypal.json", "", `warning: ciam.jwksUri: JWKS key "paypal-enc-2026": X25519 is a key-agreement (encryption) curve`},
	} {
		body, err := os.ReadFile(filepath.Join(clitest.RepoRoot(t), "testdata", "keysets", c.set))
		if err != nil {
			t.Fatal(err)
		}
		ciam := newOnlineCIAM(t, func(o *onlineCIAM) { o.jwksBody = body })
		dir := t.TempDir()
		path := writeOnlineBrand(t, dir, "brand", ciam.srv.URL)
		if c.algs != "[ES256]" {
			yaml, _ := os.ReadFile(path)
			os.WriteFile(path, []byte(strings.Replace(string(yaml), "  algorithms: [ES256]\n", "", 1)), 0o644)
		}
		res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "config", "validate", "--online", "--dir", dir)
		if res.Code != 0 || !strings.Contains(res.Stdout, c.warning) {
			t.Errorf("%s: exit %d, want 0 and %q\n%s%s", c.set, res.Code, c.warning, res.Stdout, res.Stderr)
		}
	}
}

// An Azure AD v1 token names its key only by x5t; the key set is shaped
// like Azure's, and the signing key's certificate has a negative serial.
func TestAzureV1TokenSelectedByX5t(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	tok, err := os.ReadFile("testdata/keysets/azure-v1-token.jwt")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"token", "verify", "--jwks", "testdata/keysets/azure-v1.json", "--now", "2026-01-01T00:10:00Z",
		"--issuer", "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/", "--audience", "https://graph.windows.net", "-o", "json"}
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, append(args, strings.TrimSpace(string(tok)))...)
	var out tkResult
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", res.Code, err, res.Stdout, res.Stderr)
	}
	kid := ""
	for _, c := range out.Checks {
		if c.Name == "kid" {
			kid = c.Detail
		}
	}
	if res.Code != 0 || !out.Valid || out.Header["kid"] != nil || !strings.Contains(kid, "x5t") {
		t.Errorf("exit %d valid %v, kid check %q, error %v", res.Code, out.Valid, kid, out.Error)
	}
}

// The signing key's certificate alone, as a PEM file, verifies the same
// token: its negative serial is read as in the key set's x5c, and the key
// is found by the certificate's x5t.
func TestAzureV1TokenVerifiedWithNegativeSerialPEM(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	tok, err := os.ReadFile("testdata/keysets/azure-v1-token.jwt")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("testdata/keysets/azure-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []struct{ X5C []string } }
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(set.Keys[1].X5C[0])
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "token", "verify", "--jwks", file, "--now", "2026-01-01T00:10:00Z",
		"--issuer", "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/", "--audience", "https://graph.windows.net",
		strings.TrimSpace(string(tok)))
	if res.Code != 0 || !strings.Contains(res.Stdout, `its x5t "_T5-6ZxGnO3wJPlluq27axQip-E" found`) {
		t.Errorf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
}
