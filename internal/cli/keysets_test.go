package cli_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
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
