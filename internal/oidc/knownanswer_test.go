package oidc

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// Known-answer vectors from RFC 7515 appendix A, RFC 7520 section 4 and
// RFC 8037 appendix A.4; see testdata/tokens/README.md.
var knownAnswers = []struct {
	token, jwks, payload string
}{
	{"rfc7515-a2-rs256.jws", "rfc7515-a2-rsa.json", `"iss":"joe"`},
	{"rfc7515-a3-es256.jws", "rfc7515-a3-ec-p256.json", `"iss":"joe"`},
	{"rfc7515-a4-es512.jws", "rfc7515-a4-ec-p521.json", "Payload"},
	{"rfc7520-4.1-rs256.jws", "rfc7520-rsa.json", "Frodo"},
	{"rfc7520-4.2-ps384.jws", "rfc7520-rsa.json", "Frodo"},
	{"rfc7520-4.3-es512.jws", "rfc7520-ec-p521.json", "Frodo"},
	{"rfc8037-a4-eddsa.jws", "rfc8037-a-ed25519.json", "Example of Ed25519 signing"},
}

func readFixture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func fixtureSet(t *testing.T, name string) *jwks.Set {
	t.Helper()
	set, err := jwks.Parse([]byte(readFixture(t, "jwks", name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return set
}

// flipByte decodes segment i of a compact JWS, changes one bit of its
// middle byte and re-encodes it, so the result is still well-formed.
func flipByte(t *testing.T, tok string, i int) string {
	t.Helper()
	segs := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(segs[i])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	segs[i] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(segs, ".")
}

func TestKnownAnswerSignatures(t *testing.T) {
	for _, ka := range knownAnswers {
		t.Run(ka.token, func(t *testing.T) {
			tok := readFixture(t, "tokens", ka.token)
			set := fixtureSet(t, ka.jwks)
			payload, err := VerifySignature(tok, set, nil)
			if err != nil {
				t.Fatalf("published example does not verify: %v", err)
			}
			if !strings.Contains(string(payload), ka.payload) {
				t.Errorf("payload %q does not contain %q", payload, ka.payload)
			}
			for seg, what := range map[int]string{1: "payload", 2: "signature"} {
				_, err := VerifySignature(flipByte(t, tok, seg), set, nil)
				var se *SignatureError
				if !errors.As(err, &se) || se.Reason != ReasonBadSignature {
					t.Errorf("one-byte change of the %s: got %v, want %s", what, err, ReasonBadSignature)
				}
			}
		})
	}
}

// The policy path reports the signature check as passed for the RFC tokens
// (their claims are not ID-token claims, so the token as a whole is invalid).
func TestKnownAnswerThroughPolicy(t *testing.T) {
	tok := readFixture(t, "tokens", "rfc7515-a2-rs256.jws")
	v := mustVerifier(t, Policy{Now: fixedNow}, StaticSource{S: fixtureSet(t, "rfc7515-a2-rsa.json")})
	res := v.Verify(t.Context(), tok)
	if c := findCheck(res, CheckSignature); c == nil || !c.OK {
		t.Fatalf("signature check: %+v", res.Checks)
	}
	if res.Valid || res.Reason != ReasonExpired {
		t.Errorf("RFC 7515 A.2 claims (exp 2011, no sub): valid=%v reason=%q, want expired", res.Valid, res.Reason)
	}
}

func TestKnownAnswerHS256Rejected(t *testing.T) {
	tok := readFixture(t, "tokens", "rfc7515-a1-hs256.jws")
	// Even when HS256 is listed, and even with the published secret in the set.
	for _, set := range []string{"rfc7515-a1-oct.json", "rfc7515-a2-rsa.json"} {
		_, err := VerifySignature(tok, fixtureSet(t, set), []string{"HS256", "RS256"})
		var se *SignatureError
		if !errors.As(err, &se) || se.Reason != ReasonAlgNotAllowed {
			t.Errorf("with %s: got %v, want %s", set, err, ReasonAlgNotAllowed)
		}
	}
	oct := fixtureSet(t, "rfc7515-a1-oct.json")
	if len(oct.Usable()) != 0 || len(oct.Problems) == 0 {
		t.Errorf("oct key must be flagged and unusable: %+v", oct)
	}
}
