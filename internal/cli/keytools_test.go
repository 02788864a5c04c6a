package cli_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

// Issue 16 item 9: keys on par with step and jwt-cli. The key files under
// testdata/keyfiles were written by OpenSSL (internal/tools/genkeyfiles).

const kf = "testdata/keyfiles/"

// transcript runs each command and records it with its exit code, stdout
// and stderr, for one golden per scenario.
type transcript struct {
	t   *testing.T
	b   strings.Builder
	env map[string]string
	dir string // replaced by DIR
}

func (tr *transcript) run(args ...string) clitest.Result {
	tr.t.Helper()
	res := clitest.Run(tr.t, clitest.Opts{Env: tr.env}, args...)
	norm := func(s string) string {
		if tr.dir != "" {
			s = clitest.Normalize(s, tr.dir, "DIR")
		}
		return s
	}
	fmt.Fprintf(&tr.b, "$ ciamctl %s\n", norm(strings.Join(args, " ")))
	fmt.Fprintf(&tr.b, "exit %d\n", res.Code)
	if res.Stdout != "" {
		fmt.Fprintf(&tr.b, "%s", norm(res.Stdout))
	}
	if res.Stderr != "" {
		fmt.Fprintf(&tr.b, "[stderr]\n%s", norm(res.Stderr))
	}
	tr.b.WriteString("\n")
	return res
}

func (tr *transcript) expect(code int, args ...string) clitest.Result {
	tr.t.Helper()
	res := tr.run(args...)
	if res.Code != code {
		tr.t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, res.Code, code, res.Stdout, res.Stderr)
	}
	return res
}

// independentThumbprint computes the RFC 7638 thumbprint with the standard
// library only (no jwx, none of ciamctl's key decoding): the required
// members in lexicographic order, no whitespace, hashed, base64url.
func independentThumbprint(t *testing.T, pub any, h func() hash.Hash) string {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	var canon string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		canon = fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, b64(big.NewInt(int64(k.E)).Bytes()), b64(k.N.Bytes()))
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		x, y := make([]byte, size), make([]byte, size)
		k.X.FillBytes(x)
		k.Y.FillBytes(y)
		canon = fmt.Sprintf(`{"crv":"%s","kty":"EC","x":"%s","y":"%s"}`, k.Curve.Params().Name, b64(x), b64(y))
	case ed25519.PublicKey:
		canon = fmt.Sprintf(`{"crv":"Ed25519","kty":"OKP","x":"%s"}`, b64(k))
	default:
		t.Fatalf("no independent thumbprint for %T", pub)
	}
	d := h()
	d.Write([]byte(canon))
	return b64(d.Sum(nil))
}

// stdlibPublic reads a fixture's public key with crypto/x509 alone.
func stdlibPublic(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	if pub, err := x509.ParsePKIXPublicKey(data); err == nil {
		return pub
	}
	priv, err := x509.ParsePKCS8PrivateKey(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return priv.(crypto.Signer).Public()
}

func TestKeysThumbprint(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	// The RFCs' own examples.
	for path, want := range map[string]string{
		kf + "rfc7638-rsa.jwk.json":            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", // RFC 7638 §3.1
		"testdata/jwks/rfc8037-a-ed25519.json": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", // RFC 8037 §A.3
	} {
		res := clitest.Run(t, clitest.Opts{}, "keys", "thumbprint", path)
		if res.Code != 0 || res.Stdout != want+"\n" {
			t.Errorf("%s: exit %d %q %s, want %s", path, res.Code, res.Stdout, res.Stderr, want)
		}
	}

	// Every encoding of a key has the thumbprint computed independently
	// from the key as crypto/x509 reads it, for SHA-256 and SHA-1.
	groups := []struct {
		reference string // read by crypto/x509 alone
		files     []string
	}{
		{kf + "rsa-public.der", []string{"rsa-pkcs1.pem", "rsa-pkcs8.pem", "rsa-pkcs8.der", "rsa-public.pem", "rsa-public.der", "rsa-public-pkcs1.pem", "rsa-cert.pem", "rsa-cert.der"}},
		{kf + "ec-public.der", []string{"ec-sec1.pem", "ec-public.der", "ec-chain.pem"}},
		{kf + "ed25519.pem", []string{"ed25519.pem"}},
	}
	for _, g := range groups {
		pub := stdlibPublic(t, g.reference)
		for _, hc := range []struct {
			name string
			h    func() hash.Hash
		}{{"sha256", sha256.New}, {"sha1", sha1.New}} {
			want := independentThumbprint(t, pub, hc.h)
			for _, f := range g.files {
				res := clitest.Run(t, clitest.Opts{}, "keys", "thumbprint", "--hash", hc.name, kf+f)
				if res.Code != 0 || res.Stdout != want+"\n" {
					t.Errorf("%s --hash %s: exit %d %q %s, want %s", f, hc.name, res.Code, res.Stdout, res.Stderr, want)
				}
			}
		}
	}

	// stdin, and -o json.
	data, _ := os.ReadFile(kf + "rsa-cert.der")
	res := clitest.Run(t, clitest.Opts{Stdin: strings.NewReader(string(data))}, "keys", "thumbprint", "-", "-o", "json")
	if res.Code != 0 {
		t.Fatalf("stdin: exit %d %s", res.Code, res.Stderr)
	}
	clitest.Golden(t, "keys/thumbprint.json", res.Stdout)

	tr := &transcript{t: t}
	tr.expect(0, "keys", "thumbprint", kf+"rfc7638-rsa.jwk.json", "--hash", "sha512")
	tr.expect(1, "keys", "thumbprint", kf+"rsa-1024.pem")
	tr.expect(2, "keys", "thumbprint", kf+"ed25519-encrypted.pem")
	tr.expect(2, "keys", "thumbprint", "README.md")
	tr.expect(2, "keys", "thumbprint", "testdata/keysets/yahoo.json")
	tr.expect(2, "keys", "thumbprint", kf+"missing.pem")
	tr.expect(2, "keys", "thumbprint", "--hash", "md5", kf+"ed25519.pem")
	tr.expect(2, "keys", "thumbprint")
	clitest.Golden(t, "keys/thumbprint-cases.txt", tr.b.String())
}

func TestKeysPublic(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	// The PEM form is SubjectPublicKeyInfo exactly as openssl pkey -pubout
	// writes it, from a private key in any encoding.
	want, _ := os.ReadFile(kf + "rsa-public.pem")
	for _, f := range []string{"rsa-pkcs1.pem", "rsa-pkcs8.der", "rsa-public-pkcs1.pem", "rsa-cert.pem"} {
		res := clitest.Run(t, clitest.Opts{}, "keys", "public", "--format", "pem", kf+f)
		if res.Code != 0 || res.Stdout != string(want) {
			t.Errorf("%s: exit %d %s\n%s", f, res.Code, res.Stderr, res.Stdout)
		}
	}

	// The JWK form keeps kid, alg and the certificate chain, never d.
	tr := &transcript{t: t}
	tr.expect(0, "keys", "public", kf+"ec-chain.pem")
	tr.expect(0, "keys", "public", kf+"ed25519.pem", "-o", "json")
	tr.expect(2, "keys", "public", "--format", "der", kf+"ed25519.pem")
	tr.expect(1, "keys", "public", kf+"rsa-1024.pem")
	clitest.Golden(t, "keys/public.txt", tr.b.String())
	if strings.Contains(tr.b.String(), `"d"`) {
		t.Error("a private member reached the output")
	}

	// Its output is a key file again: the round trip keeps the thumbprint.
	dir := t.TempDir()
	res := clitest.Run(t, clitest.Opts{}, "keys", "public", kf+"ec-sec1.pem")
	pubJWK := filepath.Join(dir, "pub.jwk.json")
	if err := os.WriteFile(pubJWK, []byte(res.Stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	a := clitest.Run(t, clitest.Opts{}, "keys", "thumbprint", pubJWK)
	b := clitest.Run(t, clitest.Opts{}, "keys", "thumbprint", kf+"ec-sec1.pem")
	if a.Code != 0 || a.Stdout != b.Stdout {
		t.Errorf("round trip: %q vs %q (%s)", a.Stdout, b.Stdout, a.Stderr)
	}
}

func TestKeysGenerateSize(t *testing.T) {
	dir := t.TempDir()
	res := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", "PS256", "--size", "3072", "--out", dir, "-o", "json")
	var rep struct{ Bits int }
	if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil || res.Code != 0 || rep.Bits != 3072 {
		t.Fatalf("exit %d %s %s", res.Code, res.Stdout, res.Stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "jwks.json"))
	set, err := jwks.Parse(data)
	if err != nil || len(set.Keys) != 1 || set.Keys[0].Bits != 3072 || set.Keys[0].Alg != "PS256" {
		t.Errorf("JWKS: %v %+v", err, set)
	}
	tr := &transcript{t: t, dir: dir}
	tr.expect(2, "keys", "generate", "--alg", "ES256", "--size", "3072", "--out", dir)
	tr.expect(2, "keys", "generate", "--size", "1024", "--out", dir)
	tr.expect(2, "keys", "generate", "--size", "8192", "--out", dir)
	clitest.Golden(t, "keys/generate-size.txt", tr.b.String())
}

func TestJWKSAddRemove(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	dir := t.TempDir()
	set := filepath.Join(dir, "rotation.json")
	tr := &transcript{t: t, dir: dir}

	// Created from a private PEM (its public half only, said so), a
	// certificate chain (x5c) and a JWK; kids: thumbprint, --kid, own.
	tr.expect(0, "jwks", "add", "--set", set, kf+"rsa-pkcs8.pem", kf+"ec-chain.pem")
	tr.expect(0, "jwks", "add", "--set", set, "--kid", "ed-1", kf+"ed25519.pem")
	tr.expect(0, "jwks", "add", "--set", set, kf+"rfc7638-rsa.jwk.json", "-o", "json")
	want := readFile(t, set)
	clitest.Golden(t, "jwks/add-set.json", want)
	if strings.Contains(want, `"d"`) || strings.Contains(want, `"p"`) {
		t.Fatal("a private member was written to the set")
	}
	s, err := jwks.Parse([]byte(want))
	if err != nil || len(s.Usable()) != 4 || len(s.Problems) != 0 {
		t.Fatalf("the written set: %v %+v", err, s)
	}

	// Refusals leave the file as it was, byte for byte.
	unchanged := func(what string) {
		t.Helper()
		if got := readFile(t, set); got != want {
			t.Errorf("%s changed the set:\n%s", what, got)
		}
	}
	tr.expect(2, "jwks", "add", "--set", set, kf+"rsa-public.der") // the same key again
	unchanged("a duplicate key")
	tr.expect(2, "jwks", "add", "--set", set, "--kid", "ed-1", "testdata/jwks/rfc7515-a2-rsa.json")
	unchanged("a duplicate kid")
	tr.expect(1, "jwks", "add", "--set", set, kf+"rsa-1024.pem")
	unchanged("a weak key")
	tmp := filepath.Join(dir, "fresh.json")
	tr.expect(1, "jwks", "add", "--set", tmp, "testdata/jwks/rfc7515-a2-rsa.json", kf+"rsa-1024.pem") // one good, one weak
	if _, err := os.Stat(tmp); err == nil {
		t.Error("a refused add created the set")
	}
	tr.expect(2, "jwks", "add", "--set", set, kf+"ed25519-encrypted.pem")
	tr.expect(2, "jwks", "add", "--set", set, "--kid", "x", kf+"ed25519.pem", kf+"ec-sec1.pem")
	tr.expect(2, "jwks", "add", "--set", kf+"rsa-public.pem", kf+"ed25519.pem") // --set is no JWK set
	tr.expect(2, "jwks", "add", kf+"ed25519.pem")
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte(`{"keys":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tr.expect(2, "jwks", "add", "--set", set, empty)
	unchanged("an empty KEY set")

	// A set holding private material is never written back.
	leaky := filepath.Join(dir, "leaky.json")
	priv := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", "ES256", "--kid", "leaked", "--out", filepath.Join(dir, "gen"))
	if priv.Code != 0 {
		t.Fatal(priv.Stderr)
	}
	privJWK := readFile(t, filepath.Join(dir, "gen", "private.jwk.json"))
	leakyBody := `{"keys":[` + privJWK + `]}`
	if err := os.WriteFile(leaky, []byte(leakyBody), 0o600); err != nil {
		t.Fatal(err)
	}
	tr.expect(1, "jwks", "add", "--set", leaky, kf+"ed25519.pem")
	if readFile(t, leaky) != leakyBody {
		t.Error("a set with a private key was rewritten")
	}

	// Remove by kid, and a key without kid by its thumbprint.
	tr.expect(2, "jwks", "remove", "--set", set, "ed-1", "nope")
	unchanged("removing an unknown kid")
	tr.expect(0, "jwks", "remove", "--set", set, "ed-1", "2011-04-29")
	tr.expect(2, "jwks", "remove", "--set", set, "0wT87fi6aGhJyMWuEx8b1thg6Ek4PY8vknmU3s6eFuU", "i2MpTW5TYch8SOFE_Ek-t3vnmxfIVpzQvvp0HZTlPsA")
	tr.expect(0, "jwks", "remove", "--set", set, "i2MpTW5TYch8SOFE_Ek-t3vnmxfIVpzQvvp0HZTlPsA", "-o", "json")
	tr.expect(2, "jwks", "remove", "--set", filepath.Join(dir, "missing.json"), "k")
	clitest.Golden(t, "jwks/add-remove.txt", tr.b.String())

	// The mode of an existing set is kept; a set removed down to the leaked
	// key's removal is written without it.
	if err := os.Chmod(set, 0o600); err != nil {
		t.Fatal(err)
	}
	if res := clitest.Run(t, clitest.Opts{}, "jwks", "add", "--set", set, kf+"ed25519.pem"); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	if st, _ := os.Stat(set); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after add, want 0600", st.Mode().Perm())
	}
}

// A rotation fixture built with jwks add/remove behaves as the verifier
// sees a provider's rotation: both keys, then only the new one.
func TestJWKSRotationFixture(t *testing.T) {
	dir := t.TempDir()
	env := tkEnv(t)
	for _, kid := range []string{"2026-11", "2026-12"} {
		if res := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", "ES256", "--kid", kid, "--out", filepath.Join(dir, kid)); res.Code != 0 {
			t.Fatal(res.Stderr)
		}
	}
	set := filepath.Join(dir, "jwks.json")
	if res := clitest.Run(t, clitest.Opts{}, "jwks", "add", "--set", set, filepath.Join(dir, "2026-11", "jwks.json"), filepath.Join(dir, "2026-12", "jwks.json")); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	sign := func(kid string) string {
		res := clitest.Run(t, clitest.Opts{}, "token", "sign", "--key", filepath.Join(dir, kid, "private.jwk.json"), "--set", "iss="+tkIssuer, "--set", "aud="+tkAudience, "--set", "sub=u1")
		if res.Code != 0 {
			t.Fatal(res.Stderr)
		}
		return strings.TrimSpace(res.Stdout)
	}
	verify := func(tok string) clitest.Result {
		return clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--jwks", set, "--issuer", tkIssuer, "--audience", tkAudience, tok)
	}
	oldTok, newTok := sign("2026-11"), sign("2026-12")
	for _, tok := range []string{oldTok, newTok} {
		if res := verify(tok); res.Code != 0 {
			t.Errorf("during rotation: exit %d %s", res.Code, res.Stdout)
		}
	}
	if res := clitest.Run(t, clitest.Opts{}, "jwks", "remove", "--set", set, "2026-11"); res.Code != 0 {
		t.Fatal(res.Stderr)
	}
	if res := verify(oldTok); res.Code != 1 || !strings.Contains(res.Stdout, `"2026-11" is not in the set`) {
		t.Errorf("after retiring the old key: exit %d %s", res.Code, res.Stdout)
	}
	if res := verify(newTok); res.Code != 0 {
		t.Errorf("the new key after rotation: exit %d %s", res.Code, res.Stdout)
	}
}

// --jwks takes a single JWK, PEM and DER public keys and certificates; a
// private key file is reduced to its public half with a warning. Keys
// without kid are matched to a token's kid by their RFC 7638 thumbprint.
func TestVerifyWithKeyFiles(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	env := tkEnv(t)
	thumb := "i2MpTW5TYch8SOFE_Ek-t3vnmxfIVpzQvvp0HZTlPsA"
	signed := clitest.Run(t, clitest.Opts{}, "token", "sign", "--key", kf+"rsa-pkcs1.pem", "--kid", thumb,
		"--set", "iss="+tkIssuer, "--set", "aud="+tkAudience, "--set", "sub=u1")
	if signed.Code != 0 {
		t.Fatal(signed.Stderr)
	}
	tok := strings.TrimSpace(signed.Stdout)
	dir := t.TempDir()
	single := filepath.Join(dir, "public.jwk.json")
	if err := os.WriteFile(single, []byte(clitest.Run(t, clitest.Opts{}, "keys", "public", kf+"rsa-pkcs8.der").Stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, jwksFile := range []string{kf + "rsa-public.pem", kf + "rsa-public-pkcs1.pem", kf + "rsa-public.der", kf + "rsa-cert.pem", kf + "rsa-cert.der", kf + "rsa-pkcs1.pem", single} {
		res := clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "--jwks", jwksFile, "--issuer", tkIssuer, "--audience", tkAudience, tok)
		if res.Code != 0 || !strings.Contains(res.Stdout, "found as the RFC 7638 thumbprint of a key without kid") {
			t.Errorf("--jwks %s: exit %d\n%s%s", jwksFile, res.Code, res.Stdout, res.Stderr)
		}
		private := strings.HasSuffix(jwksFile, "rsa-pkcs1.pem")
		if warned := strings.Contains(res.Stderr, "holds a private key: only its public half is used"); warned != private {
			t.Errorf("--jwks %s: warning %v, want %v: %s", jwksFile, warned, private, res.Stderr)
		}
	}

	tr := &transcript{t: t, env: env}
	tr.expect(0, "token", "verify", "--jwks", kf+"rsa-pkcs1.pem", "--issuer", tkIssuer, "--audience", tkAudience, tok)
	tr.expect(1, "token", "verify", "--jwks", kf+"ec-sec1.pem", "--issuer", tkIssuer, "--audience", tkAudience, tok)
	tr.expect(3, "token", "verify", "--jwks", kf+"rsa-1024.pem", "--issuer", tkIssuer, "--audience", tkAudience, tok)
	tr.expect(3, "token", "verify", "--jwks", kf+"ed25519-encrypted.pem", "--issuer", tkIssuer, "--audience", tkAudience, tok)
	tr.expect(1, "jwks", "inspect", kf+"rsa-1024.pem")
	tr.expect(0, "jwks", "inspect", kf+"ec-chain.pem")
	if res := tr.expect(0, "jwks", "inspect", kf+"rsa-public.der", "-o", "json"); !strings.Contains(res.Stdout, `"thumbprint": "`+thumb+`"`) {
		t.Errorf("jwks inspect -o json does not show the thumbprint: %s", res.Stdout)
	}
	clitest.Golden(t, "token/verify-keyfiles.txt", tr.b.String())

	// A JWK set with a private key stays a leak, as when published.
	gen := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--kid", "k1", "--out", dir)
	if gen.Code != 0 {
		t.Fatal(gen.Stderr)
	}
	leaky := filepath.Join(dir, "leaky.json")
	if err := os.WriteFile(leaky, []byte(`{"keys":[`+readFile(t, filepath.Join(dir, "private.jwk.json"))+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", leaky); res.Code != 1 || !strings.Contains(res.Stdout, "private key material (d, p, q, dp, dq, qi) published") {
		t.Errorf("a JWK set with a private key: exit %d %s", res.Code, res.Stdout)
	}
	// A single private JWK is reduced to its public half, with a warning.
	res := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", filepath.Join(dir, "private.jwk.json"))
	if res.Code != 0 || !strings.Contains(res.Stderr, "holds a private key") {
		t.Errorf("a single private JWK: exit %d %s %s", res.Code, res.Stdout, res.Stderr)
	}
}

// token sign takes PEM and DER private keys, --alg for keys without one,
// and --cert to name the certificate chain in the header.
func TestTokenSignKeyFiles(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	env := tkEnv(t)
	claims := []string{"--set", "iss=" + tkIssuer, "--set", "aud=" + tkAudience, "--set", "sub=u1"}
	sign := func(args ...string) string {
		t.Helper()
		res := clitest.Run(t, clitest.Opts{}, append(append([]string{"token", "sign"}, args...), claims...)...)
		if res.Code != 0 {
			t.Fatalf("%v: exit %d %s", args, res.Code, res.Stderr)
		}
		return strings.TrimSpace(res.Stdout)
	}
	verify := func(jwksFile, tok string) clitest.Result {
		return clitest.Run(t, clitest.Opts{Env: env}, "token", "verify", "-o", "json", "--jwks", jwksFile, "--issuer", tkIssuer, "--audience", tkAudience, tok)
	}

	// RS256 is deterministic and the clock fixed: the header is a golden.
	tok := sign("--key", kf+"rsa-pkcs8.der", "--cert", kf+"rsa-cert.pem")
	dec := clitest.Run(t, clitest.Opts{}, "token", "decode", "-o", "json", tok)
	clitest.Golden(t, "token/sign-cert.json", dec.Stdout)
	var d struct {
		Header map[string]any `json:"header"`
	}
	if err := json.Unmarshal([]byte(dec.Stdout), &d); err != nil {
		t.Fatal(err)
	}
	der, _ := os.ReadFile(kf + "rsa-cert.der")
	s1, s256 := sha1.Sum(der), sha256.Sum256(der)
	if d.Header["x5t"] != base64.RawURLEncoding.EncodeToString(s1[:]) || d.Header["x5t#S256"] != base64.RawURLEncoding.EncodeToString(s256[:]) {
		t.Errorf("x5t/x5t#S256 are not the certificate's thumbprints: %v", d.Header)
	}
	if x5c, _ := d.Header["x5c"].([]any); len(x5c) != 1 || x5c[0] != base64.StdEncoding.EncodeToString(der) {
		t.Errorf("x5c: %v", d.Header["x5c"])
	}
	if res := verify(kf+"rsa-cert.der", tok); res.Code != 0 || !strings.Contains(res.Stdout, `x5t#S256 \"`) {
		t.Errorf("verify by x5t#S256: exit %d %s", res.Code, res.Stdout)
	}

	// An EC key (SEC 1 PEM) with its chain; PS256 for a PEM RSA key.
	if res := verify(kf+"ec-chain.pem", sign("--key", kf+"ec-sec1.pem", "--cert", kf+"ec-chain.pem")); res.Code != 0 || !strings.Contains(res.Stdout, `"alg":"ES256"`) && !strings.Contains(res.Stdout, `"alg": "ES256"`) {
		t.Errorf("ES256 with a chain: exit %d %s", res.Code, res.Stdout)
	}
	if res := verify(kf+"rsa-public.pem", sign("--key", kf+"rsa-pkcs1.pem", "--alg", "PS256")); res.Code != 0 || !strings.Contains(res.Stdout, "PS256") {
		t.Errorf("PS256: exit %d %s", res.Code, res.Stdout)
	}
	if res := verify(kf+"ed25519.pem", sign("--key", kf+"ed25519.pem")); res.Code != 0 {
		t.Errorf("EdDSA: exit %d %s", res.Code, res.Stdout)
	}

	tr := &transcript{t: t}
	tr.expect(2, append([]string{"token", "sign", "--key", kf + "rsa-pkcs1.pem", "--cert", kf + "ec-chain.pem"}, claims...)...)
	tr.expect(2, append([]string{"token", "sign", "--key", kf + "rsa-pkcs1.pem", "--cert", kf + "rsa-public.pem"}, claims...)...)
	tr.expect(2, append([]string{"token", "sign", "--key", kf + "rsa-public.pem"}, claims...)...)
	tr.expect(2, append([]string{"token", "sign", "--key", kf + "rsa-cert.pem"}, claims...)...)
	tr.expect(1, append([]string{"token", "sign", "--key", kf + "rsa-1024.pem"}, claims...)...)
	tr.expect(2, append([]string{"token", "sign", "--key", kf + "rsa-pkcs1.pem", "--alg", "ES256"}, claims...)...)
	tr.expect(2, append([]string{"token", "sign", "--key", kf + "rsa-pkcs1.pem", "--alg", "HS256"}, claims...)...)
	tr.expect(2, append([]string{"token", "sign", "--key", "testdata/keysets/yahoo.json"}, claims...)...)
	clitest.Golden(t, "token/sign-keyfiles.txt", tr.b.String())
}

// The new flags complete their fixed values.
func TestKeyToolsCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"keys", "thumbprint", "--hash", ""}, "sha256\nsha1\nsha384\nsha512\n"},
		{[]string{"keys", "public", "--format", ""}, "jwk\npem\n"},
		{[]string{"keys", "generate", "--size", ""}, "2048\n3072\n4096\n"},
		{[]string{"keys", ""}, "thumbprint\t"},
		{[]string{"jwks", ""}, "remove\t"},
		{[]string{"token", "sign", "--alg", ""}, "PS256\n"},
	} {
		res := clitest.Run(t, clitest.Opts{}, append([]string{"__complete"}, c.args...)...)
		if res.Code != 0 || !strings.Contains(res.Stdout, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, res.Code, res.Stdout, c.want)
		}
	}
}
