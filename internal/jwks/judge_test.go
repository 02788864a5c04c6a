package jwks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "keysets", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func keyset(t *testing.T, name string) *Set {
	t.Helper()
	set, err := ParseAt(mustFixture(t, name), testNow)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func severityOf(j Judgement, kid, substr string) Severity {
	for _, p := range j.Problems {
		if p.Kid == kid && strings.Contains(p.Message, substr) {
			return p.Severity
		}
	}
	return ""
}

// PayPal publishes an X25519 key for encryption next to its signing key:
// a key that is not for signatures is a warning, like use: enc, never an
// error of the set.
func TestJudgeEncryptionKeysAreWarnings(t *testing.T) {
	set := keyset(t, "paypal.json")
	j := set.Judge(nil)
	if !j.Valid() || j.Usable != 1 {
		t.Errorf("PayPal-shaped set: valid=%v usable=%d problems=%+v", j.Valid(), j.Usable, j.Problems)
	}
	if sev := severityOf(j, "paypal-enc-2026", "X25519"); sev != SeverityWarning {
		t.Errorf("X25519 key: severity %q, want warning (%+v)", sev, j.Problems)
	}
	if set.Keys[1].Usable {
		t.Error("the X25519 key is usable")
	}
	// Every kind of non-signing key is judged alike.
	testKeys(t)
	p256 := &keyMaterial.p256.PublicKey
	others := ParseAtMust(t, setJSON(t,
		jwkMap(t, &keyMaterial.rsa2048.PublicKey, map[string]any{"kid": "sig", "alg": "RS256"}),
		jwkMap(t, &keyMaterial.rsa2048.PublicKey, map[string]any{"kid": "oaep", "alg": "RSA-OAEP-256"}),
		jwkMap(t, p256, map[string]any{"kid": "ecdh", "alg": "ECDH-ES+A256KW"}),
		jwkMap(t, p256, map[string]any{"kid": "enc", "use": "enc"}),
		map[string]any{"kty": "OKP", "crv": "X448", "kid": "x448", "x": b64(make([]byte, 56))},
	))
	oj := others.Judge(nil)
	for _, kid := range []string{"oaep", "ecdh", "enc", "x448"} {
		if sev := severityOf(oj, kid, ""); sev != SeverityWarning {
			t.Errorf("%s: severity %q, want warning (%+v)", kid, sev, oj.Problems)
		}
	}
	if !oj.Valid() || oj.Usable != 1 {
		t.Errorf("valid=%v usable=%d: %+v", oj.Valid(), oj.Usable, oj.Problems)
	}
}

func ParseAtMust(t *testing.T, data []byte) *Set {
	t.Helper()
	set, err := ParseAt(data, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Yahoo publishes an RSA-1024 RS256 key next to the ES256 key that signs
// its ID tokens. Judged against ES256 only, the weak key is a warning;
// against an allow-list that would use it, an error; and when no usable key
// is left for the allowed algorithms, the set is an error.
func TestJudgeWeakKeysAgainstAllowList(t *testing.T) {
	set := keyset(t, "yahoo.json")
	const weak = "0cc175b9c0f1b6a831c399e269772661"
	for _, c := range []struct {
		algs    []string
		valid   bool
		usable  int
		weakSev Severity
		noKey   bool
	}{
		{nil, false, 1, SeverityError, false},
		{[]string{"ES256"}, true, 1, SeverityWarning, false},
		{[]string{"ES256", "RS256"}, false, 1, SeverityError, false},
		{[]string{"RS256"}, false, 0, SeverityError, true},
		{[]string{"PS256"}, false, 0, SeverityWarning, true},
	} {
		j := set.Judge(c.algs)
		noKey := false
		for _, p := range j.Problems {
			noKey = noKey || p.NoUsableKey()
		}
		if j.Valid() != c.valid || j.Usable != c.usable || severityOf(j, weak, "1024 bits") != c.weakSev || noKey != c.noKey {
			t.Errorf("%v: valid=%v usable=%d weak=%q noKey=%v, want %v %d %q %v\n%+v", c.algs, j.Valid(), j.Usable,
				severityOf(j, weak, "1024 bits"), noKey, c.valid, c.usable, c.weakSev, c.noKey, j.Problems)
		}
	}
	if msg := problemMessage(set.Judge([]string{"ES256"}), weak); !strings.Contains(msg, "ES256") || !strings.Contains(msg, "never use") {
		t.Errorf("the warning does not say why the weak key is no error here: %q", msg)
	}
	// The set is never used with the weak key, whatever the allow-list.
	if len(set.ByKid(weak)) != 0 || set.Keys[0].Usable {
		t.Error("the RSA-1024 key is usable")
	}
	// Leaked secrets stay errors whatever the allow-list.
	testKeys(t)
	leak := ParseAtMust(t, setJSON(t,
		jwkMap(t, &keyMaterial.p256.PublicKey, map[string]any{"kid": "ec", "alg": "ES256"}),
		jwkMap(t, keyMaterial.rsa2048, map[string]any{"kid": "leaked"}),
	))
	if j := leak.Judge([]string{"ES256"}); j.Valid() || severityOf(j, "leaked", "private key") != SeverityError {
		t.Errorf("a published private key is not an error under ES256: %+v", j.Problems)
	}
}

func problemMessage(j Judgement, kid string) string {
	for _, p := range j.Problems {
		if p.Kid == kid {
			return p.Message
		}
	}
	return ""
}
