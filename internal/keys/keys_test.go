package keys

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

var now = time.Unix(1_750_000_000, 0)

type pair struct{ priv, pub []byte }

// generated caches one key pair per algorithm: RSA generation is slow.
var generated = struct {
	sync.Mutex
	m map[string]pair
}{m: map[string]pair{}}

func keyPair(t *testing.T, alg string) pair {
	t.Helper()
	generated.Lock()
	defer generated.Unlock()
	if p, ok := generated.m[alg]; ok {
		return p
	}
	priv, pub, err := Generate(alg, "")
	if err != nil {
		t.Fatal(err)
	}
	generated.m[alg] = pair{priv, pub}
	return generated.m[alg]
}

func TestGenerateAndSign(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "ES384", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			p := keyPair(t, alg)
			set, err := jwks.Parse(p.pub)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Keys) != 1 || len(set.Usable()) != 1 || len(set.Problems) != 0 {
				t.Fatalf("public JWKS %s: %+v", p.pub, set)
			}
			info := set.Keys[0]
			if info.Alg != alg || info.Use != "sig" {
				t.Errorf("key info %+v", info)
			}
			// kid defaults to the RFC 7638 thumbprint.
			pk, err := jwk.ParseKey(p.priv)
			if err != nil {
				t.Fatal(err)
			}
			pub, _ := pk.PublicKey()
			tp, _ := pub.Thumbprint(crypto.SHA256)
			if info.Kid != base64.RawURLEncoding.EncodeToString(tp) || pk.KeyID() != info.Kid {
				t.Errorf("kid %q is not the thumbprint", info.Kid)
			}
			if !strings.Contains(string(p.priv), `"d"`) || strings.Contains(string(p.pub), `"d"`) {
				t.Error("private material in the wrong file")
			}

			tok, err := Sign(p.priv, map[string]any{"sub": "u-1", "iss": "https://id.example/", "aud": "app"}, SignOptions{Now: func() time.Time { return now }, ExpiresIn: 10 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			v, err := oidc.NewVerifier(oidc.Policy{Issuer: "https://id.example/", Audience: "app", Now: func() time.Time { return now }}, oidc.StaticSource{S: set})
			if err != nil {
				t.Fatal(err)
			}
			res := v.Verify(t.Context(), tok)
			if !res.Valid {
				t.Fatalf("signed token invalid: %s", res.Error)
			}
			var hdr map[string]any
			var claims map[string]any
			_ = json.Unmarshal(res.Header, &hdr)
			_ = json.Unmarshal(res.Claims, &claims)
			if hdr["typ"] != "JWT" || hdr["alg"] != alg || hdr["kid"] != info.Kid || len(hdr) != 3 {
				t.Errorf("header %v", hdr)
			}
			if claims["iat"] != float64(now.Unix()) || claims["exp"] != float64(now.Unix()+600) {
				t.Errorf("claims %v", claims)
			}
		})
	}
}

func TestGenerateWithKid(t *testing.T) {
	priv, pub, err := Generate("EdDSA", "test-key-1")
	if err != nil {
		t.Fatal(err)
	}
	set, err := jwks.Parse(pub)
	if err != nil || len(set.ByKid("test-key-1")) != 1 {
		t.Fatalf("%s %v", pub, err)
	}
	if !strings.Contains(string(priv), `"kid": "test-key-1"`) {
		t.Errorf("private JWK %s", priv)
	}
	if _, _, err := Generate("HS256", ""); err == nil {
		t.Error("HS256 accepted")
	}
}

func TestSignOptions(t *testing.T) {
	p := keyPair(t, "ES256")
	fixed := func() time.Time { return now }

	// Caller's iat and exp are kept; raw JSON claims are accepted; Kid overrides.
	tok, err := Sign(p.priv, json.RawMessage(`{"sub":"x","iat":1000,"exp":2000,"nested":{"a":[1,2]}}`), SignOptions{Kid: "other", Now: fixed})
	if err != nil {
		t.Fatal(err)
	}
	hdr, claims := decode(t, tok)
	if hdr["kid"] != "other" || claims["iat"] != float64(1000) || claims["exp"] != float64(2000) {
		t.Errorf("%v %v", hdr, claims)
	}
	// exp defaults to iat + 1h, from the caller's iat.
	tok, err = Sign(p.priv, []byte(`{"iat":1000}`), SignOptions{Now: fixed})
	if err != nil {
		t.Fatal(err)
	}
	if _, claims := decode(t, tok); claims["exp"] != float64(1000+3600) {
		t.Errorf("%v", claims)
	}

	for name, in := range map[string]any{"array": json.RawMessage(`[1]`), "garbage": []byte("nope")} {
		if _, err := Sign(p.priv, in, SignOptions{}); err == nil {
			t.Errorf("%s claims accepted", name)
		}
	}
	if _, err := Sign(p.pub, map[string]any{}, SignOptions{}); err == nil {
		t.Error("signing with a JWKS accepted")
	}
	var set struct{ Keys []json.RawMessage }
	_ = json.Unmarshal(p.pub, &set)
	if _, err := Sign(set.Keys[0], map[string]any{}, SignOptions{}); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Errorf("signing with a public key: %v", err)
	}
	if _, err := Sign([]byte(`{"kty":"oct","k":"c2VjcmV0"}`), map[string]any{}, SignOptions{}); err == nil {
		t.Error("oct key accepted")
	}
}

func decode(t *testing.T, tok string) (hdr, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return hdr, claims
}
