package jwks

import (
	"crypto/x509"
	"encoding/json"
	"testing"
)

func FuzzParseJWKS(f *testing.F) {
	testKeys(f)
	f.Add(setJSON(f, jwkMap(f, &keyMaterial.p256.PublicKey, map[string]any{"kid": "ec", "alg": "ES256"})))
	f.Add(setJSON(f, jwkMap(f, &keyMaterial.rsa1024.PublicKey, map[string]any{"kid": "weak"})))
	f.Add(setJSON(f, jwkMap(f, keyMaterial.ed.Public(), nil)))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AAAA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","x5c":["MIIB"]}]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed448","x":"AA"}]}`))
	f.Add([]byte(`{"keys":[1,"x",null,[]]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"X25519","use":"enc","alg":"ECDH-ES","x":"AA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","x5t":"abc","x5t#S256":5,"x5c":["MIIB"]}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`{"kty":"RSA"}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ParseAt(data, testNow)
		if err != nil {
			return
		}
		var doc struct{ Keys []json.RawMessage }
		if json.Unmarshal(data, &doc) == nil && len(doc.Keys) != len(set.Keys) {
			t.Fatalf("%d keys reported for %d in the document", len(set.Keys), len(doc.Keys))
		}
		usable := 0
		for _, k := range set.Keys {
			if k.Usable {
				usable++
			}
		}
		if usable != len(set.Usable()) {
			t.Fatalf("%d keys marked usable, %d returned", usable, len(set.Usable()))
		}
		for _, algs := range [][]string{nil, {"ES256"}, {"RS256", "EdDSA"}} {
			if j := set.Judge(algs); j.Usable > usable || len(j.Problems) < len(set.found) {
				t.Fatalf("judged against %v: %d usable of %d, %d problems of %d", algs, j.Usable, usable, len(j.Problems), len(set.found))
			}
		}
		_ = set.ByThumbprint("abc", "def")
	})
}

// Key files come from users and from other tools: decoding never panics,
// and a decoded file's public set never carries a private member unless it
// is a JWK set as written (whose checks then call it a leak).
func FuzzDecodeKeyFile(f *testing.F) {
	testKeys(f)
	km := &keyMaterial
	spki, _ := x509.MarshalPKIXPublicKey(&km.p256.PublicKey)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(km.ed)
	cert := selfSigned(f, 1, &km.rsa2048.PublicKey, km.rsa2048, nil)
	f.Add(pemOf("PUBLIC KEY", spki))
	f.Add(pemOf("PRIVATE KEY", pkcs8))
	f.Add(append(pemOf("CERTIFICATE", cert.Raw), pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(km.rsa2048))...))
	f.Add(cert.Raw)
	f.Add(spki)
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"","y":"","d":""}`))
	f.Add([]byte(`{"kty":"oct","k":"AAAA"}`))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte{0x30, 0x82, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := DecodeKeyFile(data)
		if err != nil {
			return
		}
		doc, _, err := kf.PublicSet(data)
		if err != nil || kf.Format == FormatJWKS {
			return
		}
		var set struct{ Keys []json.RawMessage }
		if err := json.Unmarshal(doc, &set); err != nil || len(set.Keys) != len(kf.Keys) {
			t.Fatalf("public set of %d keys: %v", len(kf.Keys), err)
		}
		for _, k := range set.Keys {
			if hasPrivateMembers(k) {
				t.Fatalf("private member in the public set: %s", k)
			}
		}
		_, _ = ParseAt(doc, testNow)
	})
}
