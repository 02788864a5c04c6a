package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Keys without a kid (read from PEM or DER) are named in tokens by their
// RFC 7638 thumbprint: a token whose kid is the last key's thumbprint
// verifies in a set larger than MaxKeyCandidates, where trial would not
// reach it, and refetching the set is not needed.
func TestVerifySelectsKidlessKeyByJWKThumbprint(t *testing.T) {
	keysForTest(t)
	n := MaxKeyCandidates + 3
	privs := make([]*ecdsa.PrivateKey, n)
	set := make([]map[string]any, n)
	for i := range privs {
		var err error
		if privs[i], err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			t.Fatal(err)
		}
		set[i] = pubJWK(t, privs[i], "", "")
	}
	last := privs[n-1]
	pub, err := jwk.FromRaw(&last.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	thumb := b64url(sum)
	claims := mustJSON(t, goodClaims())

	cases := []struct {
		name, kid string
		key       *ecdsa.PrivateKey
		reason    string
		detail    string
	}{
		{"kid is the thumbprint of the last key", thumb, last, "", "found as the RFC 7638 thumbprint of a key without kid"},
		{"kid is the thumbprint, signed by another key", thumb, privs[0], ReasonBadSignature, "signature does not verify"},
		{"kid matching nothing", "not-a-thumbprint", last, ReasonUnknownKid, "is not in the set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := &countingSource{set: parseSet(t, set...)}
			v := mustVerifier(t, testPolicy(), src)
			res := v.Verify(context.Background(), signRaw(t, "ES256", c.key, `{"alg":"ES256","kid":"`+c.kid+`"}`, claims))
			if res.Valid != (c.reason == "") || res.Reason != c.reason {
				t.Fatalf("valid=%v reason=%q (%s), want reason %q", res.Valid, res.Reason, res.Error, c.reason)
			}
			detail := res.Error
			if res.Valid {
				detail = findCheck(res, CheckKid).Detail
				if n := src.refreshes.Load(); n != 0 {
					t.Errorf("a thumbprint match refetched the set %d times", n)
				}
			}
			if !strings.Contains(detail, c.detail) {
				t.Errorf("detail %q does not contain %q", detail, c.detail)
			}
		})
	}

	// A key with a kid is found by its kid only, not by its thumbprint.
	withKid := pubJWK(t, last, "named", "")
	v := mustVerifier(t, testPolicy(), StaticSource{S: parseSet(t, withKid)})
	if res := v.Verify(context.Background(), signRaw(t, "ES256", last, `{"alg":"ES256","kid":"`+thumb+`"}`, claims)); res.Valid {
		t.Error("a key with its own kid was matched by its thumbprint")
	}
}
