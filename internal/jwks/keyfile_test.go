package jwks

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// must fails the test (by panicking) on err: test set-up that cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// selfSigned makes a certificate for pub signed by signer (itself when
// parent is nil).
func selfSigned(t testing.TB, serial int64, pub crypto.PublicKey, signer crypto.Signer, parent *x509.Certificate) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "key " + string(rune('A'+serial))},
		NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0), IsCA: parent == nil, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	if parent == nil {
		parent = tmpl
	}
	der := must(x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer))
	return must(x509.ParseCertificate(der))
}

type jwkFields struct {
	Kty, Crv, D, N, X, Kid string
	X5C                    []string `json:"x5c"`
}

func fields(t testing.TB, raw json.RawMessage) jwkFields {
	t.Helper()
	var f jwkFields
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// Every format users hand over decodes to the key it holds, and says
// whether it is private.
func TestDecodeKeyFileFormats(t *testing.T) {
	testKeys(t)
	km := &keyMaterial
	rsaSPKI := must(x509.MarshalPKIXPublicKey(&km.rsa2048.PublicKey))
	ecPKCS8 := must(x509.MarshalPKCS8PrivateKey(km.p256))
	ecSEC1 := must(x509.MarshalECPrivateKey(km.p256))
	edPKCS8 := must(x509.MarshalPKCS8PrivateKey(km.ed))
	edSPKI := must(x509.MarshalPKIXPublicKey(km.ed.Public()))
	cert := selfSigned(t, 1, &km.rsa2048.PublicKey, km.rsa2048, nil)
	pubJWK := must(json.Marshal(jwkMap(t, &km.p256.PublicKey, map[string]any{"kid": "ec-1"})))
	privJWK := must(json.Marshal(jwkMap(t, km.p256, map[string]any{"kid": "ec-1"})))

	cases := []struct {
		name    string
		data    []byte
		format  Format
		kty     string
		private bool
		x5c     int
	}{
		{"JWKS", setJSON(t, jwkMap(t, &km.p256.PublicKey, nil), jwkMap(t, km.ed.Public(), nil)), FormatJWKS, "EC", false, 0},
		{"JWK public", pubJWK, FormatJWK, "EC", false, 0},
		{"JWK private", privJWK, FormatJWK, "EC", true, 0},
		{"PEM SPKI RSA", pemOf("PUBLIC KEY", rsaSPKI), FormatPEM, "RSA", false, 0},
		{"PEM PKCS#1 RSA public", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&km.rsa2048.PublicKey)), FormatPEM, "RSA", false, 0},
		{"PEM PKCS#1 RSA private", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(km.rsa2048)), FormatPEM, "RSA", true, 0},
		{"PEM PKCS#8 EC", pemOf("PRIVATE KEY", ecPKCS8), FormatPEM, "EC", true, 0},
		{"PEM SEC 1 EC after EC PARAMETERS", append(pemOf("EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}), pemOf("EC PRIVATE KEY", ecSEC1)...), FormatPEM, "EC", true, 0},
		{"PEM PKCS#8 Ed25519", pemOf("PRIVATE KEY", edPKCS8), FormatPEM, "OKP", true, 0},
		{"PEM SPKI Ed25519 with text around", append(append([]byte("subject=key\n"), pemOf("PUBLIC KEY", edSPKI)...), "trailer\n"...), FormatPEM, "OKP", false, 0},
		{"PEM certificate", pemOf("CERTIFICATE", cert.Raw), FormatPEM, "RSA", false, 1},
		{"PEM key and its certificate", append(pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(km.rsa2048)), pemOf("CERTIFICATE", cert.Raw)...), FormatPEM, "RSA", true, 1},
		{"PEM public key and its private key", append(pemOf("PUBLIC KEY", edSPKI), pemOf("PRIVATE KEY", edPKCS8)...), FormatPEM, "OKP", true, 0},
		{"PEM certificate and its key", append(pemOf("CERTIFICATE", cert.Raw), pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(km.rsa2048))...), FormatPEM, "RSA", true, 1},
		{"DER SPKI", rsaSPKI, FormatDER, "RSA", false, 0},
		{"DER PKCS#1 public", x509.MarshalPKCS1PublicKey(&km.rsa2048.PublicKey), FormatDER, "RSA", false, 0},
		{"DER PKCS#8", ecPKCS8, FormatDER, "EC", true, 0},
		{"DER PKCS#1 private", x509.MarshalPKCS1PrivateKey(km.rsa2048), FormatDER, "RSA", true, 0},
		{"DER SEC 1", ecSEC1, FormatDER, "EC", true, 0},
		{"DER certificate", cert.Raw, FormatDER, "RSA", false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kf, err := DecodeKeyFile(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if kf.Format != c.format || len(kf.Keys) != 1 && c.format != FormatJWKS {
				t.Fatalf("format %s with %d keys, want %s", kf.Format, len(kf.Keys), c.format)
			}
			k := kf.Keys[0]
			f := fields(t, k.JWK)
			if f.Kty != c.kty || k.Private != c.private || (f.D != "") != c.private || len(f.X5C) != c.x5c {
				t.Errorf("kty %s private %v (d set: %v) x5c %d; want %s %v x5c %d", f.Kty, k.Private, f.D != "", len(f.X5C), c.kty, c.private, c.x5c)
			}
			pub := must(k.Public())
			if fields(t, pub).D != "" {
				t.Error("Public() kept the private member d")
			}
			if c.format != FormatJWKS {
				if _, err := CheckKey(pub, testNow); err != nil {
					t.Errorf("CheckKey: %v", err)
				}
			}
		})
	}
}

// A PEM chain is one key with its chain as x5c (leaf first); certificates
// of unrelated keys are separate keys.
func TestDecodeKeyFileChains(t *testing.T) {
	testKeys(t)
	km := &keyMaterial
	ca := selfSigned(t, 1, &km.rsa2048.PublicKey, km.rsa2048, nil)
	leaf := selfSigned(t, 2, &km.p256.PublicKey, km.rsa2048, ca)
	other := selfSigned(t, 3, km.ed.Public(), km.ed, nil)

	kf := must(DecodeKeyFile(append(pemOf("CERTIFICATE", leaf.Raw), pemOf("CERTIFICATE", ca.Raw)...)))
	if len(kf.Keys) != 1 {
		t.Fatalf("a chain read as %d keys", len(kf.Keys))
	}
	f := fields(t, kf.Keys[0].JWK)
	if f.Kty != "EC" || len(f.X5C) != 2 || f.X5C[0] != base64.StdEncoding.EncodeToString(leaf.Raw) {
		t.Errorf("chain: kty %s, x5c %d", f.Kty, len(f.X5C))
	}
	doc, _, err := kf.PublicSet(nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := ParseAt(doc, testNow)
	if err != nil || len(set.Usable()) != 1 {
		t.Fatalf("chain as a set: %v", err)
	}
	s256 := sha256.Sum256(leaf.Raw)
	if keys := set.ByThumbprint("", base64.RawURLEncoding.EncodeToString(s256[:])); len(keys) != 1 {
		t.Error("the leaf certificate's x5t#S256 does not find the key")
	}

	kf = must(DecodeKeyFile(append(pemOf("CERTIFICATE", leaf.Raw), pemOf("CERTIFICATE", other.Raw)...)))
	if len(kf.Keys) != 2 || fields(t, kf.Keys[1].JWK).Kty != "OKP" {
		t.Errorf("two unrelated certificates read as %d keys", len(kf.Keys))
	}
}

func TestDecodeKeyFileRefuses(t *testing.T) {
	testKeys(t)
	ecSEC1 := must(x509.MarshalECPrivateKey(keyMaterial.p256))
	for _, c := range []struct {
		name, data, want string
	}{
		{"empty", "  \n", "empty"},
		{"text", "hello", "not a JWK set, a JWK, PEM or DER"},
		{"JSON without keys or kty", `{"a":1}`, `neither "keys"`},
		{"keys not an array", `{"keys":{}}`, `"keys" is not an array`},
		{"encrypted PKCS#8", string(pemOf("ENCRYPTED PRIVATE KEY", []byte{0x30, 0})), "encrypted: decrypt it first"},
		{"encrypted traditional", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: ecSEC1})), "encrypted"},
		{"other PEM block", string(pemOf("DSA PRIVATE KEY", []byte{0x30, 0})), `PEM block 1 (DSA PRIVATE KEY) is not a key or certificate`},
		{"broken PEM key", string(pemOf("PUBLIC KEY", []byte{0x30, 3, 1, 2, 3})), "PEM block 1 (PUBLIC KEY)"},
		{"PEM markers only", "-----BEGIN PUBLIC KEY-----\nnot base64\n", "no PEM key or certificate block"},
		{"DER garbage", "\x30\x03\x02\x01\x01", "DER data that is not"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeKeyFile([]byte(c.data))
			if !errors.Is(err, ErrNotKeyFile) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q", err, c.want)
			}
		})
	}
}

// The key checks hold for keys in every format: a 1024-bit RSA key in PEM
// is refused as it is in a JWKS.
func TestCheckKeyRefusesWeakKeysInEveryFormat(t *testing.T) {
	testKeys(t)
	weak := &keyMaterial.rsa1024.PublicKey
	for name, data := range map[string][]byte{
		"PEM": pemOf("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(weak))),
		"DER": x509.MarshalPKCS1PublicKey(weak),
		"JWK": must(json.Marshal(jwkMap(t, weak, nil))),
	} {
		kf := must(DecodeKeyFile(data))
		_, err := CheckKey(kf.Keys[0].JWK, testNow)
		if !errors.Is(err, ErrKeyRefused) || !strings.Contains(err.Error(), "RSA modulus is 1024 bits") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// --jwks FILE reads every format; a private key is reduced to its public
// half with a warning, while a JWK set with private members stays a leak.
func TestFetcherLoadsKeyFiles(t *testing.T) {
	testKeys(t)
	km := &keyMaterial
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var warnings []string
	f := &Fetcher{NoCache: true, Now: func() time.Time { return testNow }, Warn: func(m string) { warnings = append(warnings, m) }}

	pubPEM := write("pub.pem", pemOf("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&km.p256.PublicKey))))
	set, err := f.Load(context.Background(), pubPEM)
	if err != nil || len(set.Usable()) != 1 || set.Keys[0].Kty != "EC" || len(warnings) != 0 {
		t.Fatalf("public PEM: %v %+v %q", err, set, warnings)
	}
	tp := must(Thumbprint(set.Usable()[0], crypto.SHA256))
	if keys := set.ByJWKThumbprint(tp); len(keys) != 1 {
		t.Error("a key without kid is not found by its RFC 7638 thumbprint")
	}

	privPEM := write("priv.pem", pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(km.ed))))
	set, err = f.Load(context.Background(), privPEM)
	if err != nil || len(set.Usable()) != 1 || len(set.Problems) != 0 {
		t.Fatalf("private PEM: %v %+v", err, set)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "holds a private key: only its public half is used") {
		t.Errorf("warnings %q", warnings)
	}

	leakedSet := write("leaked.json", setJSON(t, jwkMap(t, km.p256, map[string]any{"kid": "leaked"})))
	set, err = f.Load(context.Background(), leakedSet)
	if !errors.Is(err, ErrNoUsableKeys) || !hasProblem(set, "leaked", "private key material") {
		t.Errorf("a JWK set with a private key: %v", err)
	}

	weakPEM := write("weak.pem", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&km.rsa1024.PublicKey)))
	set, err = f.Load(context.Background(), weakPEM)
	if !errors.Is(err, ErrNoUsableKeys) || !hasProblem(set, "#0", "1024 bits") {
		t.Errorf("weak PEM: %v", err)
	}

	junk := write("junk.txt", []byte("not a key"))
	if _, err := f.Load(context.Background(), junk); !errors.Is(err, ErrNotJWKS) || !strings.Contains(err.Error(), "not a JWK set, a JWK or a PEM or DER key") {
		t.Errorf("junk: %v", err)
	}
}
