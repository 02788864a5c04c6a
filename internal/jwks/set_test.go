package jwks

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

var testNow = time.Unix(1_750_000_000, 0)

var keyMaterial struct {
	once    sync.Once
	rsa2048 *rsa.PrivateKey
	rsa1024 *rsa.PrivateKey
	p256    *ecdsa.PrivateKey
	ed      ed25519.PrivateKey
}

// testKeys generates key material once per test binary.
func testKeys(t testing.TB) {
	t.Helper()
	keyMaterial.once.Do(func() {
		var err error
		if keyMaterial.rsa2048, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyMaterial.rsa1024, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
		if keyMaterial.p256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if _, keyMaterial.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
	})
}

// jwkMap renders a raw key as a JWK map plus extra members.
func jwkMap(t testing.TB, key any, extra map[string]any) map[string]any {
	t.Helper()
	k, err := jwk.FromRaw(key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for name, v := range extra {
		m[name] = v
	}
	return m
}

func setJSON(t testing.TB, keys ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hasProblem(s *Set, kid, substr string) bool {
	for _, p := range s.Problems {
		if p.Kid == kid && strings.Contains(p.Message, substr) {
			return true
		}
	}
	return false
}

func TestParseChecksKeys(t *testing.T) {
	testKeys(t)
	km := &keyMaterial
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	data := setJSON(t,
		jwkMap(t, &km.rsa2048.PublicKey, map[string]any{"kid": "rsa", "alg": "RS256", "use": "sig"}),
		jwkMap(t, &km.rsa1024.PublicKey, map[string]any{"kid": "weak"}),
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "ec"}),
		jwkMap(t, km.ed.Public(), map[string]any{"kid": "ed"}),
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "enc", "use": "enc"}),
		jwkMap(t, km.rsa2048, map[string]any{"kid": "leaked"}),
		map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "dup"}),
		jwkMap(t, km.ed.Public(), map[string]any{"kid": "dup"}),
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "mismatch", "alg": "RS256"}),
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "hs-alg", "alg": "HS256"}),
		map[string]any{"kty": "OKP", "crv": "X25519", "kid": "x25519", "x": b64(x25519.PublicKey().Bytes())},
		map[string]any{"kty": "EC", "kid": "offcurve", "crv": "P-256", "x": b64(make([]byte, 32)), "y": b64(append(make([]byte, 31), 1))},
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "ops", "key_ops": []string{"encrypt"}}),
		map[string]any{"kty": "RSA", "kid": "garbage", "n": 5},
	)
	set, err := ParseAt(data, testNow)
	if err != nil {
		t.Fatal(err)
	}
	usable := map[string]bool{}
	for _, k := range set.Keys {
		usable[k.Kid] = k.Usable
	}
	want := map[string]bool{
		"rsa": true, "weak": false, "ec": true, "ed": true, "enc": false, "leaked": false, "hmac": false,
		"dup": true, "mismatch": false, "hs-alg": false, "x25519": false, "offcurve": false, "ops": false, "garbage": false,
	}
	for kid, u := range want {
		if usable[kid] != u {
			t.Errorf("kid %s usable=%v, want %v", kid, usable[kid], u)
		}
	}
	for kid, msg := range map[string]string{
		"weak":     "1024 bits",
		"enc":      `use is "enc"`,
		"leaked":   "private key material",
		"hmac":     "symmetric",
		"dup":      "duplicate kid",
		"mismatch": "does not fit",
		"hs-alg":   "never accepted",
		"x25519":   "key-agreement",
		"offcurve": "not a valid point",
		"ops":      "key_ops",
		"garbage":  "cannot parse",
	} {
		if !hasProblem(set, kid, msg) {
			t.Errorf("no problem %q for %s in %+v", msg, kid, set.Problems)
		}
	}
	if got := set.Keys[0]; got.Bits != 2048 || got.Alg != "RS256" || got.Use != "sig" || got.Kty != "RSA" {
		t.Errorf("rsa info %+v", got)
	}
	if got := set.Keys[2]; got.Curve != "P-256" || got.Bits != 256 {
		t.Errorf("ec info %+v", got)
	}
	if n := len(set.ByKid("dup")); n != 2 {
		t.Errorf("ByKid(dup) = %d keys, want 2", n)
	}
	if len(set.ByKid("weak")) != 0 || !set.HasKid("weak") {
		t.Error("unusable key must be known but not returned")
	}
	if n := len(set.Usable()); n != 5 { // rsa, ec, ed, dup, dup
		t.Errorf("%d usable keys, want 5", n)
	}
	for _, k := range set.Usable() {
		if _, isPriv := k.(jwk.RSAPrivateKey); isPriv {
			t.Error("a private key is usable")
		}
	}
}

func TestParseRejectsNonSets(t *testing.T) {
	for _, in := range []string{``, `nope`, `[]`, `{}`, `{"keys":{}}`, `{"keys":null}`, `{"kty":"RSA"}`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q: want error", in)
		}
	}
	set, err := Parse([]byte(`{"keys":[]}`))
	if err != nil || len(set.Problems) == 0 || len(set.Usable()) != 0 {
		t.Errorf("empty set: %+v %v", set, err)
	}
	if _, err := Parse([]byte(`{"kty":"RSA","n":"x","e":"AQAB"}`)); err == nil || !strings.Contains(err.Error(), "single JWK") {
		t.Errorf("single JWK: %v", err)
	}
}

func TestParseX5C(t *testing.T) {
	testKeys(t)
	cert := func(pub, priv any, notAfter time.Time) string {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"}, NotBefore: notAfter.Add(-24 * time.Hour), NotAfter: notAfter}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(der)
	}
	km := &keyMaterial
	expired := cert(&km.p256.PublicKey, km.p256, testNow.Add(-time.Hour))
	valid := cert(&km.p256.PublicKey, km.p256, testNow.Add(time.Hour))
	other := cert(km.ed.Public(), km.ed, testNow.Add(time.Hour))
	set, err := ParseAt(setJSON(t,
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "expired", "x5c": []string{expired}}),
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "valid", "x5c": []string{valid}}),
		jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "other", "x5c": []string{other}}),
	), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if k := set.Keys[0]; k.CertNotAfter == nil || !k.CertNotAfter.Equal(testNow.Add(-time.Hour)) || !k.Usable || !hasProblem(set, "expired", "expired") {
		t.Errorf("expired cert: %+v %+v", k, set.Problems)
	}
	if k := set.Keys[1]; k.CertNotAfter == nil || !k.Usable || hasProblem(set, "valid", "") {
		t.Errorf("valid cert: %+v", k)
	}
	if k := set.Keys[2]; k.Usable || !hasProblem(set, "other", "different public key") {
		t.Errorf("mismatched cert: %+v", k)
	}
}

// The RFC fixtures carry no alg; they must stay usable.
func TestParseFixturesWithoutAlg(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "jwks", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatal("no fixtures", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		set, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		wantUsable := !strings.Contains(f, "oct")
		if got := len(set.Usable()) == 1; got != wantUsable {
			t.Errorf("%s: usable=%v want %v (%+v)", f, got, wantUsable, set.Problems)
		}
		if set.Keys[0].Alg != "" {
			t.Errorf("%s: fixture should have no alg", f)
		}
	}
}

func TestAlgFits(t *testing.T) {
	for _, c := range []struct {
		alg, kty, crv string
		ok            bool
	}{
		{"RS256", "RSA", "", true}, {"PS512", "RSA", "", true}, {"ES256", "EC", "P-256", true},
		{"ES256", "EC", "P-384", false}, {"ES512", "EC", "P-521", true}, {"EdDSA", "OKP", "Ed25519", true},
		{"EdDSA", "OKP", "X25519", false}, {"RS256", "EC", "P-256", false}, {"HS256", "oct", "", false},
	} {
		if got := AlgFits(c.alg, c.kty, c.crv); got != c.ok {
			t.Errorf("AlgFits(%s,%s,%s)=%v", c.alg, c.kty, c.crv, got)
		}
	}
	for _, a := range []string{"none", "NONE", "nOnE", "HS256", "hs512"} {
		if !IsForbiddenAlg(a) {
			t.Errorf("%s must be forbidden", a)
		}
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

var _ crypto.PublicKey = (*rsa.PublicKey)(nil)
