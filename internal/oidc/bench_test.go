package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks of issue 5: one in-process verification per algorithm, the
// raw signature maths it cannot beat (the floor), and the batch path per
// token with its ratio to that floor on the same cores.
//
//	go test ./internal/oidc -run '^$' -bench . -benchmem

func benchToken(b *testing.B, alg string) string {
	keysForTest(b)
	payload := mustJSON(b, goodClaims())
	switch alg {
	case "RS256":
		return mint(b, goodClaims())
	case "ES256":
		return signRaw(b, "ES256", testKeys.ec, `{"alg":"ES256","kid":"ec-1","typ":"JWT"}`, payload)
	case "EdDSA":
		return signRaw(b, "EdDSA", testKeys.ed, `{"alg":"EdDSA","kid":"ed-1","typ":"JWT"}`, payload)
	}
	b.Fatalf("no benchmark token for %s", alg)
	return ""
}

func benchVerify(b *testing.B, alg string) {
	v := mustVerifier(b, testPolicy(), StaticSource{S: standardSet(b)})
	tok := benchToken(b, alg)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := v.Verify(ctx, tok); !res.Valid {
			b.Fatal(res.Error)
		}
	}
}

// The token's own handling, without the signature maths: splitting,
// base64url, the strict JSON checks and the member scan.
func BenchmarkParseCompact(b *testing.B) {
	tok := benchToken(b, "RS256")
	b.ReportAllocs()
	b.SetBytes(int64(len(tok)))
	for b.Loop() {
		if _, err := parseCompact(tok, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRS256(b *testing.B) { benchVerify(b, "RS256") }
func BenchmarkVerifyES256(b *testing.B) { benchVerify(b, "ES256") }
func BenchmarkVerifyEdDSA(b *testing.B) { benchVerify(b, "EdDSA") }

// rawVerifier checks just the signature of tok with the standard library,
// nothing else: the cost no JWT verifier can go below.
func rawVerifier(b *testing.B, alg, tok string) func() bool {
	i := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:i])
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	switch alg {
	case "RS256":
		pub := &testKeys.rsa.PublicKey
		return func() bool {
			h := sha256.Sum256(input)
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) == nil
		}
	case "ES256":
		pub := &testKeys.ec.PublicKey
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return func() bool {
			h := sha256.Sum256(input)
			return ecdsa.Verify(pub, h[:], r, s)
		}
	case "EdDSA":
		pub := testKeys.ed.Public().(ed25519.PublicKey)
		return func() bool { return ed25519.Verify(pub, input, sig) }
	}
	b.Fatalf("no raw verifier for %s", alg)
	return nil
}

func benchRaw(b *testing.B, alg string) {
	ok := rawVerifier(b, alg, benchToken(b, alg))
	b.ReportAllocs()
	for b.Loop() {
		if !ok() {
			b.Fatal("raw verification failed")
		}
	}
}

func BenchmarkRawRS256(b *testing.B) { benchRaw(b, "RS256") }
func BenchmarkRawES256(b *testing.B) { benchRaw(b, "ES256") }
func BenchmarkRawEdDSA(b *testing.B) { benchRaw(b, "EdDSA") }

// tokenLines is an endless reader of "token\n" lines, n of them.
type tokenLines struct {
	line []byte
	left int
	off  int
}

func (r *tokenLines) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.off == len(r.line) {
			if r.left == 0 {
				break
			}
			r.left--
			r.off = 0
		}
		c := copy(p[n:], r.line[r.off:])
		r.off += c
		n += c
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// parallelFloor is the time per raw RS256 verification with every core busy,
// measured over n verifications: the batch path's ceiling.
func parallelFloor(ok func() bool, n int) time.Duration {
	workers := runtime.GOMAXPROCS(0)
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				ok()
			}
		}()
	}
	wg.Wait()
	return time.Since(start) / time.Duration(n)
}

// BenchmarkBatchRS256 reports ns per token through VerifyBatch on all cores
// and "x-floor": the parallel raw-verify time per token divided by the batch
// time per token (1.0 means as fast as the signature maths alone).
func BenchmarkBatchRS256(b *testing.B) {
	v := mustVerifier(b, testPolicy(), StaticSource{S: standardSet(b)})
	tok := benchToken(b, "RS256")
	workers := runtime.GOMAXPROCS(0)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := v.VerifyBatch(ctx, &tokenLines{line: []byte(tok + "\n"), left: b.N, off: len(tok) + 1}, workers, func(int, Result) error { return nil })
	b.StopTimer()
	if err != nil || sum.Valid != b.N {
		b.Fatalf("batch: %v, %d of %d valid", err, sum.Valid, b.N)
	}
	perToken := b.Elapsed() / time.Duration(b.N)
	// The floor over as many verifications, right after: both see the
	// machine in the same state, which a short sample would not.
	floor := parallelFloor(rawVerifier(b, "RS256", tok), b.N)
	if perToken > 0 {
		b.ReportMetric(float64(floor)/float64(perToken), "x-floor")
	}
	b.ReportMetric(float64(time.Second)/float64(perToken), "tokens/s")
}
