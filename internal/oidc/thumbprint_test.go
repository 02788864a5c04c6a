package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
)

type certKey struct {
	priv            *ecdsa.PrivateKey
	x5t, x5tS256    string
	jwkWithCert     map[string]any
	jwkWithoutThumb map[string]any
}

// certKeys makes n P-256 keys, each with a self-signed certificate; every
// other key states its x5t, the rest only carry x5c (the verifier hashes it).
func certKeys(t *testing.T, n int) []certKey {
	t.Helper()
	out := make([]certKey, n)
	for i := range out {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), Subject: pkix.Name{CommonName: "sts"}, NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
		if err != nil {
			t.Fatal(err)
		}
		s1, s256 := sha1.Sum(der), sha256.Sum256(der)
		k := certKey{priv: priv, x5t: b64url(s1[:]), x5tS256: b64url(s256[:])}
		k.jwkWithoutThumb = pubJWK(t, priv, "", "")
		k.jwkWithCert = pubJWK(t, priv, "", "")
		k.jwkWithCert["x5c"] = []string{base64.StdEncoding.EncodeToString(der)}
		if i%2 == 0 {
			k.jwkWithCert["x5t"] = k.x5t
		}
		out[i] = k
	}
	return out
}

// Tokens without kid (Azure AD v1 carries only x5t) are matched to their
// key by certificate thumbprint, so a set larger than MaxKeyCandidates still
// verifies them; and when no key can be picked, the reason says so rather
// than reading as a forged signature.
func TestVerifySelectsKeyByThumbprint(t *testing.T) {
	keysForTest(t)
	n := MaxKeyCandidates + 3
	ks := certKeys(t, n)
	var withCerts, bare []map[string]any
	for _, k := range ks {
		withCerts, bare = append(withCerts, k.jwkWithCert), append(bare, k.jwkWithoutThumb)
	}
	last := ks[n-1] // beyond the first MaxKeyCandidates
	attacker, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	claims := mustJSON(t, goodClaims())
	cases := []struct {
		name, header string
		key          *ecdsa.PrivateKey
		set          []map[string]any
		reason       string
		detail       string
	}{
		{"x5t of the last key", `{"alg":"ES256","x5t":"` + last.x5t + `"}`, last.priv, withCerts, "", `x5t "` + last.x5t + `" found`},
		{"x5t#S256 of the last key", `{"alg":"ES256","x5t#S256":"` + last.x5tS256 + `"}`, last.priv, withCerts, "", "x5t#S256"},
		{"x5t of a key that states none (from x5c)", `{"alg":"ES256","x5t":"` + ks[n-2].x5t + `"}`, ks[n-2].priv, withCerts, "", "found"},
		{"no kid, no x5t, over the cap", `{"alg":"ES256"}`, last.priv, withCerts, ReasonNoMatchingKey, "no key could be picked"},
		{"attacker, no kid, no x5t, over the cap", `{"alg":"ES256"}`, attacker, withCerts, ReasonNoMatchingKey, "none of the 8 keys tried (of 11 that fit ES256)"},
		{"x5t matching nothing", `{"alg":"ES256","x5t":"bm90LWEtdGh1bWJwcmludA"}`, last.priv, withCerts, ReasonNoMatchingKey, "no key in the set has its x5t"},
		{"x5t of another key", `{"alg":"ES256","x5t":"` + ks[0].x5t + `"}`, last.priv, withCerts, ReasonBadSignature, "signature does not verify"},
		{"x5t not a string", `{"alg":"ES256","x5t":5}`, last.priv, withCerts, ReasonMalformed, `header "x5t" is not a string`},
		{"x5t, set without thumbprints: trial", `{"alg":"ES256","x5t":"` + ks[0].x5t + `"}`, ks[0].priv, bare, "", "trying"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := mustVerifier(t, testPolicy(), StaticSource{S: parseSet(t, c.set...)})
			res := v.Verify(context.Background(), signRaw(t, "ES256", c.key, c.header, claims))
			if res.Valid != (c.reason == "") || res.Reason != c.reason {
				t.Fatalf("valid=%v reason=%q (%s), want reason %q", res.Valid, res.Reason, res.Error, c.reason)
			}
			detail := res.Error
			if res.Valid {
				detail = findCheck(res, CheckKid).Detail
			}
			if !strings.Contains(detail, c.detail) {
				t.Errorf("detail %q does not contain %q", detail, c.detail)
			}
		})
	}
}
