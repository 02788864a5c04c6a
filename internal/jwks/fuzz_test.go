package jwks

import (
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
