package jwks

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

// Microsoft's signing certificates of 2014–2017 had negative serial
// numbers, which crypto/x509 refuses since Go 1.23. Their expiry and key
// are read all the same, and a mismatched key is still caught.
func TestParseX5CNegativeSerial(t *testing.T) {
	set := keyset(t, "azure-v1.json")
	var doc struct{ Keys []map[string]any }
	if err := json.Unmarshal(mustFixture(t, "azure-v1.json"), &doc); err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(doc.Keys[1]["x5c"].([]any)[0].(string))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParseCertificate(der); err == nil || !strings.Contains(err.Error(), "negative serial") {
		t.Fatalf("the fixture's second certificate should be refused by crypto/x509 for its negative serial: %v", err)
	}
	for i, k := range set.Keys {
		if !k.Usable || k.CertNotAfter == nil || !k.CertNotAfter.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("key %d: usable=%v cert expires %v", i, k.Usable, k.CertNotAfter)
		}
	}
	if len(set.Problems) != 0 {
		t.Errorf("problems: %+v", set.Problems)
	}
	// The negative-serial certificate on another key is still a mismatch.
	doc.Keys[0]["x5c"] = doc.Keys[1]["x5c"]
	swapped := ParseAtMust(t, setJSON(t, doc.Keys[0]))
	if swapped.Keys[0].Usable || !hasProblem(swapped, doc.Keys[0]["kid"].(string), "different public key") {
		t.Errorf("mismatched negative-serial certificate: %+v", swapped.Problems)
	}
	// Garbage is still not a certificate.
	doc.Keys[0]["x5c"] = []string{base64.StdEncoding.EncodeToString([]byte("not a certificate"))}
	junk := ParseAtMust(t, setJSON(t, doc.Keys[0]))
	if !hasProblem(junk, doc.Keys[0]["kid"].(string), "not a valid certificate") {
		t.Errorf("junk x5c: %+v", junk.Problems)
	}
}

// negateSerial rebuilds a certificate with its serial number negated (and
// an invalid signature, which nothing here checks): crypto/x509 cannot
// create one.
func negateSerial(t *testing.T, der []byte) []byte {
	t.Helper()
	var outer struct {
		TBS    asn1.RawValue
		SigAlg pkix.AlgorithmIdentifier
		Sig    asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &outer); err != nil {
		t.Fatal(err)
	}
	var body []byte
	for rest, i := outer.TBS.Bytes, 0; len(rest) > 0; i++ {
		var e asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &e); err != nil {
			t.Fatal(err)
		}
		if i == 1 { // after [0] version: the serial
			var n *big.Int
			if _, err := asn1.Unmarshal(e.FullBytes, &n); err != nil {
				t.Fatal(err)
			}
			if e.FullBytes, err = asn1.Marshal(new(big.Int).Neg(n)); err != nil {
				t.Fatal(err)
			}
		}
		body = append(body, e.FullBytes...)
	}
	tbs, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	if err != nil {
		t.Fatal(err)
	}
	outer.TBS = asn1.RawValue{FullBytes: tbs}
	out, err := asn1.Marshal(outer)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A negative-serial certificate with extensions and a GeneralizedTime
// expiry reads the same way.
func TestParseLeafNegativeSerialWithExtensions(t *testing.T) {
	testKeys(t)
	notAfter := time.Date(2051, 6, 1, 0, 0, 0, 0, time.UTC) // GeneralizedTime from 2050 on
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(0x7fab), Subject: pkix.Name{CommonName: "sts"}, DNSNames: []string{"sts.example"},
		NotBefore: testNow, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &keyMaterial.p256.PublicKey, keyMaterial.p256)
	if err != nil {
		t.Fatal(err)
	}
	neg := negateSerial(t, der)
	if _, err := x509.ParseCertificate(neg); err == nil {
		t.Fatal("crypto/x509 accepts negative serials: this fallback is no longer needed")
	}
	leaf, err := parseLeaf(neg)
	if err != nil || !leaf.notAfter.Equal(notAfter) || !keyMaterial.p256.PublicKey.Equal(leaf.pub) {
		t.Errorf("parseLeaf: %v %v", leaf.notAfter, err)
	}
	// A certificate crypto/x509 refuses for another reason is not rescued.
	if _, err := parseLeaf(append(bytes.Clone(neg), 0)); err == nil {
		t.Error("trailing data accepted")
	}
}

// A key file holding such a certificate is read too, as PEM and as DER, as
// its x5c is: the key it certifies, with the certificate kept as x5c.
func TestKeyFileNegativeSerialCertificate(t *testing.T) {
	var doc struct{ Keys []map[string]any }
	if err := json.Unmarshal(mustFixture(t, "azure-v1.json"), &doc); err != nil {
		t.Fatal(err)
	}
	want := doc.Keys[1]
	b64 := want["x5c"].([]any)[0].(string)
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"PEM": pemOf("CERTIFICATE", der), "DER": der} {
		kf, err := DecodeKeyFile(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(kf.Keys) != 1 || kf.Keys[0].Private {
			t.Fatalf("%s: %d keys", name, len(kf.Keys))
		}
		var got struct {
			Kty, N, E string
			X5C       []string
		}
		if err := json.Unmarshal(kf.Keys[0].JWK, &got); err != nil {
			t.Fatal(err)
		}
		if got.Kty != "RSA" || got.N != want["n"] || got.E != want["e"] || len(got.X5C) != 1 || got.X5C[0] != b64 {
			t.Errorf("%s: key %s", name, kf.Keys[0].JWK)
		}
	}
	// A certificate that is broken in another way is still refused.
	bad := bytes.Clone(der)
	bad[len(bad)/2] ^= 0xff
	if _, err := DecodeKeyFile(pemOf("CERTIFICATE", bad[:len(bad)-40])); err == nil {
		t.Error("a truncated certificate was read")
	}
}
