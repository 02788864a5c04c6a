package oidc

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// rotatingIdP serves a JWKS that the test can swap, counting requests.
type rotatingIdP struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	body []byte
}

func newRotatingIdP(t *testing.T, body []byte) *rotatingIdP {
	idp := &rotatingIdP{body: body}
	idp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		idp.hits.Add(1)
		idp.mu.Lock()
		defer idp.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=3600")
		_, _ = w.Write(idp.body)
	}))
	t.Cleanup(idp.Close)
	return idp
}

func (idp *rotatingIdP) rotate(body []byte) {
	idp.mu.Lock()
	idp.body = body
	idp.mu.Unlock()
}

func TestKeyRotationRefetchesOnce(t *testing.T) {
	keysForTest(t)
	k := &testKeys
	idp := newRotatingIdP(t, jwksJSON(t, pubJWK(t, k.rsa, "2025-01", "RS256")))
	f := &jwks.Fetcher{Client: idp.Client(), CacheDir: t.TempDir(), Now: fixedNow, Timeout: 5 * time.Second}
	v := mustVerifier(t, testPolicy(), NewFetcherSource(f, idp.URL+"/jwks.json"))
	ctx := t.Context()

	old := signRaw(t, "RS256", k.rsa, `{"alg":"RS256","kid":"2025-01"}`, mustJSON(t, goodClaims()))
	if res := v.Verify(ctx, old); !res.Valid {
		t.Fatalf("old key: %s", res.Error)
	}
	if n := idp.hits.Load(); n != 1 {
		t.Fatalf("%d requests after first token, want 1", n)
	}

	// The IdP rotates: the old key stays published beside the new one.
	idp.rotate(jwksJSON(t, pubJWK(t, k.rsa, "2025-01", "RS256"), pubJWK(t, k.rsa2, "2025-06", "RS256")))
	fresh := signRaw(t, "RS256", k.rsa2, `{"alg":"RS256","kid":"2025-06"}`, mustJSON(t, goodClaims()))
	res := v.Verify(ctx, fresh)
	if !res.Valid {
		t.Fatalf("new key: %s", res.Error)
	}
	if n := idp.hits.Load(); n != 2 {
		t.Fatalf("%d requests after the rotated token, want exactly one refetch (2)", n)
	}
	if c := findCheck(res, CheckKid); c == nil || c.Detail == "" {
		t.Errorf("kid check %+v", c)
	}

	// Known kids now need no request, even though max-age was bypassed.
	for _, tok := range []string{old, fresh} {
		if res := v.Verify(ctx, tok); !res.Valid {
			t.Fatal(res.Error)
		}
	}
	if n := idp.hits.Load(); n != 2 {
		t.Fatalf("%d requests for known kids, want 2", n)
	}

	// An unknown kid costs exactly one refetch, then fails.
	ghost := signRaw(t, "RS256", k.rsaAttacker, `{"alg":"RS256","kid":"ghost"}`, mustJSON(t, goodClaims()))
	res = v.Verify(ctx, ghost)
	if res.Valid || res.Reason != ReasonUnknownKid {
		t.Fatalf("ghost kid: %+v", res)
	}
	if n := idp.hits.Load(); n != 3 {
		t.Fatalf("%d requests after the unknown kid, want 3", n)
	}
}

func TestBatchRefetchesAtMostOnce(t *testing.T) {
	keysForTest(t)
	src := &countingSource{set: standardSet(t)}
	v := mustVerifier(t, testPolicy(), src)
	var lines []byte
	for i := range 20 {
		tok := signRaw(t, "RS256", testKeys.rsa, `{"alg":"RS256","kid":"unknown-`+string(rune('a'+i))+`"}`, mustJSON(t, goodClaims()))
		lines = append(lines, tok+"\n"...)
	}
	sum, err := v.VerifyBatch(t.Context(), bytesReader(lines), 4, func(int, Result) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if sum.ByReason[ReasonUnknownKid] != 20 {
		t.Errorf("summary %+v", sum)
	}
	if n := src.refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes in one batch, want 1", n)
	}
	if n := src.loads.Load(); n != 1 {
		t.Errorf("%d loads in one batch, want 1", n)
	}
}
