package keys

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

func TestGenerateSized(t *testing.T) {
	_, pub, err := GenerateSized("PS384", "k", 3072)
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []struct{ N, Alg string } }
	if err := json.Unmarshal(pub, &set); err != nil || len(set.Keys) != 1 {
		t.Fatal(err)
	}
	n, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	if bits := new(big.Int).SetBytes(n).BitLen(); bits != 3072 || set.Keys[0].Alg != "PS384" {
		t.Errorf("%d bits, alg %s", bits, set.Keys[0].Alg)
	}
	for _, bad := range []int{0, 1024, 2047, 8192} {
		if _, _, err := GenerateSized("RS256", "", bad); err == nil {
			t.Errorf("size %d accepted", bad)
		}
	}
	// The size is not asked of EC keys but must still be a valid one.
	if _, _, err := GenerateSized("ES256", "", RSABits); err != nil {
		t.Error(err)
	}
}

// SignKey names a certificate chain in the header: x5c as given, x5t and
// x5t#S256 as the leaf's SHA-1 and SHA-256; --alg picks the algorithm for
// a key without one and may not contradict a key's own.
func TestSignKeyCertAndAlg(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "sts"}, NotBefore: now, NotAfter: now.AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.FromRaw(priv)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := SignKey(key, map[string]any{"sub": "u"}, SignOptions{Alg: "ES256", CertChain: [][]byte{der}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := jws.Parse([]byte(tok))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	s1, s256 := sha1.Sum(der), sha256.Sum256(der)
	if h.X509CertThumbprint() != base64.RawURLEncoding.EncodeToString(s1[:]) || h.X509CertThumbprintS256() != base64.RawURLEncoding.EncodeToString(s256[:]) {
		t.Errorf("x5t %q x5t#S256 %q", h.X509CertThumbprint(), h.X509CertThumbprintS256())
	}
	if c := h.X509CertChain(); c == nil || c.Len() != 1 {
		t.Errorf("x5c %v", c)
	} else if got, _ := c.Get(0); string(got) != base64.StdEncoding.EncodeToString(der) {
		t.Error("x5c[0] is not the certificate")
	}
	if _, err := jws.Verify([]byte(tok), jws.WithKey(h.Algorithm(), &priv.PublicKey)); err != nil {
		t.Errorf("does not verify: %v", err)
	}

	if err := key.Set(jwk.AlgorithmKey, "ES256"); err != nil {
		t.Fatal(err)
	}
	if _, err := SignKey(key, nil, SignOptions{Alg: "ES384"}); err == nil || !strings.Contains(err.Error(), "the key is for ES256, not ES384") {
		t.Errorf("a contradicting alg: %v", err)
	}
}
