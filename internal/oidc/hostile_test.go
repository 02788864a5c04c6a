package oidc

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oidc/hostile"
)

// hostileDir is the suite written by internal/tools/genhostile.
var hostileDir = filepath.Join("..", "..", "testdata", "hostile")

// refetchCounter counts forced refetches of the wrapped source.
type refetchCounter struct {
	KeySource
	refreshes atomic.Int32
}

func (r *refetchCounter) Refresh(ctx context.Context) (*jwks.Set, error) {
	r.refreshes.Add(1)
	return r.KeySource.Refresh(ctx)
}

// attackerServer serves the attacker's key set at any path and counts the
// requests: tokens name it in jku/x5u, and it must never be asked.
func attackerServer(t *testing.T, dir string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(dir, "jwks", "attacker.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func loadHostile(t *testing.T) *hostile.Manifest {
	t.Helper()
	m, err := hostile.Load(hostileDir)
	if err != nil {
		t.Fatalf("%v (regenerate with go run ./internal/tools/genhostile)", err)
	}
	return m
}

// TestHostileSuite verifies every case of testdata/hostile/cases.json with
// the library: verdict, reason, first failed check, message, refetches.
func TestHostileSuite(t *testing.T) {
	m := loadHostile(t)
	srv, hits := attackerServer(t, hostileDir)
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tok, err := c.Materialize(hostileDir, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			now, err := time.Parse(time.RFC3339, c.Now)
			if err != nil {
				t.Fatal(err)
			}
			src := &refetchCounter{KeySource: NewFileSource(filepath.Join(hostileDir, c.JWKS))}
			v := mustVerifier(t, Policy{
				Issuer: c.Policy.Issuer, Audience: c.Policy.Audience, Algorithms: c.Policy.Algorithms,
				Now: func() time.Time { return now },
			}, src)

			res, alloc := hostile.Bounded(t, c.Expect.BoundedAlloc, c.Name, func() Result { return v.Verify(context.Background(), tok) })
			checkHostileResult(t, c, res)
			if c.Expect.BoundedAlloc {
				t.Logf("%d bytes allocated for a %d-byte token", alloc, len(tok))
				if alloc > hostile.MaxAlloc {
					t.Errorf("verifying allocated %d MiB, limit %d MiB", alloc>>20, hostile.MaxAlloc>>20)
				}
			}
			if want := c.Expect.Refetches; want != nil && int(src.refreshes.Load()) != *want {
				t.Errorf("%d refetches of the key set, want %d", src.refreshes.Load(), *want)
			}
			// VerifySignature follows the same parsing and key rules and
			// must not panic either.
			set, err := jwks.Parse(mustRead(t, filepath.Join(hostileDir, c.JWKS)))
			if err != nil {
				t.Fatal(err)
			}
			hostile.Bounded(t, false, c.Name, func() error { _, err := VerifySignature(tok, set, c.Policy.Algorithms); return err })
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the attacker's jku/x5u server was asked %d times, want 0", n)
	}
}

func checkHostileResult(t *testing.T, c hostile.Case, res Result) {
	t.Helper()
	e := c.Expect
	t.Logf("valid=%v reason=%s error=%q", res.Valid, res.Reason, res.Error)
	if res.Valid != e.Valid || res.Reason != e.Reason {
		t.Fatalf("got valid=%v reason=%q (%s), want valid=%v reason=%q", res.Valid, res.Reason, res.Error, e.Valid, e.Reason)
	}
	if e.Valid {
		if res.Error != "" {
			t.Errorf("valid result with error %q", res.Error)
		}
		return
	}
	if check, _, _ := strings.Cut(res.Error, ": "); e.Check != "" && check != e.Check {
		t.Errorf("first failed check %q, want %q", check, e.Check)
	}
	if !strings.Contains(res.Error, e.Message) {
		t.Errorf("error %q does not contain %q", res.Error, e.Message)
	}
	// Messages are for one line of a terminal: bounded, printable, and
	// never echo the token's signature.
	if len(res.Error) > 512 || strings.ContainsAny(res.Error, "\n\r\x1b\x00") || !utf8.ValidString(res.Error) {
		t.Errorf("error is not a short clean line: %q", res.Error)
	}
	if sig := tokenSignature(c.Token); len(sig) > 16 && strings.Contains(res.Error, sig) {
		t.Error("the error quotes the token's signature")
	}
	if !slices.Contains(Reasons, res.Reason) {
		t.Errorf("reason %q is not in Reasons", res.Reason)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("result does not marshal: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostileSuiteCoverage keeps the suite from silently losing the cases
// issue 6 asks for, and every reason a token itself can cause.
func TestHostileSuiteCoverage(t *testing.T) {
	m := loadHostile(t)
	names := map[string]hostile.Case{}
	reasons := map[string]bool{}
	for _, c := range m.Cases {
		names[c.Name] = c
		reasons[c.Expect.Reason] = true
	}
	for _, n := range []string{
		"bad-sig-rs256", "bad-sig-es256", "alg-none", "alg-None", "alg-nOnE", "hs256-client-secret",
		"issuer-mismatch", "aud-wrong", "aud-absent", "iat-absent", "iat-future", "kid-absent-single-key",
		"kid-absent-several-keys", "rotated-key-not-yet-published", "sub-absent",
		"alg-case-rs256", "alg-case-Rs256", "key-confusion-hs256-rsa-pem", "embedded-jwk-known-kid",
		"jku-attacker-kid", "x5u-attacker", "x5c-attacker-cert", "kid-path-traversal", "kid-sql-injection",
		"kid-null-byte-suffix", "kid-1kib", "sig-empty-rs256", "sig-truncated-rs256", "psychic-ecdsa-zero",
		"psychic-ecdsa-n", "dup-header-alg", "dup-payload-sub", "nested-jwt", "crit-unknown",
		"oversized-10mib", "deep-nesting-payload", "deep-nesting-header", "jwe-5-segments",
		"bad-base64-std-alphabet", "payload-string",
		// issue 12: explicit typing, the subject, the audience's shape
		"typ-at-jwt", "typ-logout-jwt", "typ-absent", "typ-application-jwt", "sub-and-SUB", "sub-padded",
		"sub-terminal-escapes", "sub-256-chars", "aud-empty-array", "aud-empty-string", "aud-number-member",
	} {
		if _, ok := names[n]; !ok {
			t.Errorf("case %s is missing from %s", n, hostile.ManifestFile)
		}
	}
	// The binding reasons need a policy tied to one sign-in (its nonce,
	// access token or code), which the manifest's policies do not carry;
	// TestBindingChecks and the token fetch tests cover them.
	bindingOnly := map[string]bool{ReasonNonceMismatch: true, ReasonAtHashMismatch: true, ReasonCHashMismatch: true}
	for _, r := range Reasons {
		if r != ReasonJWKSUnavailable && !bindingOnly[r] && !reasons[r] {
			t.Errorf("no case ends in %s", r)
		}
	}
	if c := names["oversized-10mib"]; c.Generate == nil || c.Generate.Bytes < 10<<20 {
		t.Errorf("oversized-10mib must generate at least 10 MiB: %+v", c.Generate)
	}
	if c := names["deep-nesting-payload"]; c.Generate == nil || c.Generate.Depth < 10000 {
		t.Errorf("deep-nesting-payload must nest at least 10,000 levels: %+v", c.Generate)
	}
}

// Regression: the allocation-free JSON check compared raw member names, so
// "x\xff" and "x\xfe" passed as distinct while encoding/json decodes both to
// "x\uFFFD" (one silently overwriting the other). Invalid UTF-8 is now
// refused before either path runs.
func TestStrictJSONRejectsInvalidUTF8(t *testing.T) {
	for _, s := range []string{
		"{\"x\xff\":1,\"x\xfe\":2}",
		"{\"sub\":\"\xffadmin\"}",
		"{\"a\":\"\xed\xa0\x80\"}", // a UTF-16 surrogate encoded in UTF-8
		"{\"a\":1,\"b\xc0\xaf\":2}",
	} {
		if err := checkJSONObject([]byte(s)); err == nil || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("%q: got %v, want a UTF-8 error", s, err)
		}
	}
	if err := checkJSONObject([]byte(`{"name":"Zoë 🎉","x":"\ud83c\udf89"}`)); err != nil {
		t.Errorf("valid UTF-8 refused: %v", err)
	}
}

// Regression: "kid": null unmarshalled as the empty kid (looked up, and the
// set refetched, as ""); "alg": null as the empty alg; "cty": null passed.
func TestHeaderNullsAreMalformed(t *testing.T) {
	keysForTest(t)
	src := &countingSource{set: standardSet(t)}
	v := mustVerifier(t, testPolicy(), src)
	for _, hdr := range []string{
		`{"alg":"RS256","kid":null}`,
		`{"alg":null,"kid":"rsa-1"}`,
		`{"alg":"RS256","kid":"rsa-1","cty":null}`,
	} {
		res := v.Verify(t.Context(), signRaw(t, "RS256", testKeys.rsa, hdr, mustJSON(t, goodClaims())))
		if res.Valid || res.Reason != ReasonMalformed || !strings.Contains(res.Error, "is not a string") {
			t.Errorf("%s: valid=%v reason=%q error=%q", hdr, res.Valid, res.Reason, res.Error)
		}
	}
	if n := src.refreshes.Load(); n != 0 {
		t.Errorf("%d refetches for malformed headers", n)
	}
	// Whitespace around values is still fine.
	res := v.Verify(t.Context(), signRaw(t, "RS256", testKeys.rsa, `{ "alg" : "RS256" , "kid" : "rsa-1" }`, mustJSON(t, goodClaims())))
	if !res.Valid {
		t.Errorf("spaced header: %s", res.Error)
	}
}

// OIDC Core 3.1.3.7: iat is required in an ID token.
func TestIssuedAtRequired(t *testing.T) {
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	res := v.Verify(t.Context(), mint(t, claimsWith(func(c map[string]any) { delete(c, "iat") })))
	c := findCheck(res, CheckIssuedAt)
	if res.Valid || res.Reason != ReasonMissingClaim || c == nil || c.OK || !strings.HasPrefix(res.Error, "issued_at: iat claim is missing") {
		t.Fatalf("valid=%v reason=%q error=%q check=%+v", res.Valid, res.Reason, res.Error, c)
	}
}

// A nested JWT's payload is a compact token: report the nesting, not the
// JSON syntax error it causes.
func TestNestedJWTMessage(t *testing.T) {
	keysForTest(t)
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	inner := mint(t, goodClaims())
	res := v.Verify(t.Context(), signRaw(t, "RS256", testKeys.rsa, `{"alg":"RS256","kid":"rsa-1","cty":"JWT"}`, inner))
	if res.Reason != ReasonMalformed || !strings.Contains(res.Error, "nested JWT") {
		t.Fatalf("reason=%q error=%q", res.Reason, res.Error)
	}
	if _, _, err := Decode(signRaw(t, "RS256", testKeys.rsa, `{"alg":"RS256","cty":"JWT"}`, inner)); err == nil || !strings.Contains(err.Error(), "nested JWT") {
		t.Errorf("Decode: %v", err)
	}
}

// TestHostileSuiteBatch streams the cases through VerifyBatch, one batch
// per key set and policy: every line must get the same verdict and reason
// as alone, the 10 MiB line included.
func TestHostileSuiteBatch(t *testing.T) {
	m := loadHostile(t)
	srv, hits := attackerServer(t, hostileDir)
	type group struct {
		jwks, algs, now string
		cases           []hostile.Case
		tokens          []string
	}
	groups := map[string]*group{}
	var keys []string
	for _, c := range m.Cases {
		tok, err := c.Materialize(hostileDir, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(strings.TrimSpace(tok), "\n#") || strings.TrimSpace(tok) == "" {
			continue // cannot be one batch line
		}
		k := c.JWKS + "|" + strings.Join(c.Policy.Algorithms, ",") + "|" + c.Policy.Issuer + "|" + c.Policy.Audience + "|" + c.Now
		g := groups[k]
		if g == nil {
			g = &group{jwks: c.JWKS, algs: strings.Join(c.Policy.Algorithms, ","), now: c.Now}
			groups[k] = g
			keys = append(keys, k)
		}
		g.cases = append(g.cases, c)
		g.tokens = append(g.tokens, tok)
	}
	for _, k := range keys {
		g := groups[k]
		name := strings.TrimSuffix(filepath.Base(g.jwks), ".json") + "+" + g.algs
		if g.algs == "" {
			name += "default-algs"
		}
		t.Run(name, func(t *testing.T) {
			c0 := g.cases[0]
			now, _ := time.Parse(time.RFC3339, g.now)
			v := mustVerifier(t, Policy{
				Issuer: c0.Policy.Issuer, Audience: c0.Policy.Audience, Algorithms: c0.Policy.Algorithms,
				Now: func() time.Time { return now },
			}, NewFileSource(filepath.Join(hostileDir, g.jwks)))
			input := strings.Join(g.tokens, "\n") + "\n"
			got := map[int]Result{}
			err, _ := hostile.Bounded(t, false, "batch "+name, func() error {
				_, err := v.VerifyBatch(context.Background(), strings.NewReader(input), 2, func(line int, r Result) error {
					got[line] = r
					return nil
				})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range g.cases {
				r, ok := got[i+1]
				if !ok {
					t.Errorf("%s (line %d): no result", c.Name, i+1)
					continue
				}
				if r.Valid != c.Expect.Valid || r.Reason != c.Expect.Reason {
					t.Errorf("%s (line %d): valid=%v reason=%q (%s), want %v %q", c.Name, i+1, r.Valid, r.Reason, r.Error, c.Expect.Valid, c.Expect.Reason)
				}
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the attacker's jku/x5u server was asked %d times, want 0", n)
	}
}
