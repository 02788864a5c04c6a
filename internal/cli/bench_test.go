package cli_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/keys"
)

// Command-level benchmarks of issue 5: the whole command in process (flag
// parsing, file reading, output), next to the package benchmarks in
// internal/oidc that measure verification against the raw signature floor.
//
//	go test ./internal/cli -run '^$' -bench . -benchmem

// BenchmarkTokenVerifyCommand is one `token verify --jwks FILE` run.
func BenchmarkTokenVerifyCommand(b *testing.B) {
	dir := b.TempDir()
	jwksFile, token := signedFixture(b, dir)
	args := []string{"token", "verify", "--jwks", jwksFile, "--issuer", "https://id.bench.example/", "--audience", "bench", token}
	b.ReportAllocs()
	for b.Loop() {
		if res := clitest.Run(b, clitest.Opts{}, args...); res.Code != 0 {
			b.Fatalf("exit %d: %s", res.Code, res.Stderr)
		}
	}
}

// BenchmarkConfigValidate1000 validates a workspace of 1,000 brand files;
// ns/op is for all of them.
func BenchmarkConfigValidate1000(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(clitest.RepoRoot(b), "testdata", "brands", "valid", "acme.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range 1000 {
		name := fmt.Sprintf("brand-%04d", i)
		data := strings.Replace(string(src), "brand: acme", "brand: "+name, 1)
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if res := clitest.Run(b, clitest.Opts{}, "config", "validate", dir); res.Code != 0 || !strings.Contains(res.Stdout, "1000 brand files valid") {
			b.Fatalf("exit %d: %s %s", res.Code, res.Stdout, res.Stderr)
		}
	}
}

// BenchmarkMappingDryRun maps a claims file with nested JSON Pointer and
// namespaced URL claims (no network: --claims).
func BenchmarkMappingDryRun(b *testing.B) {
	root := clitest.RepoRoot(b)
	args := []string{"mapping", "dry-run", "--dir", filepath.Join(root, "testdata", "brands", "valid"),
		"--brand", "acme", "--claims", filepath.Join(root, "testdata", "claims", "nested.json"), "-o", "json"}
	b.ReportAllocs()
	for b.Loop() {
		if res := clitest.Run(b, clitest.Opts{}, args...); res.Code != 0 {
			b.Fatalf("exit %d: %s", res.Code, res.Stderr)
		}
	}
}

// signedFixture writes an RS256 JWKS and returns its path and a token
// signed for issuer https://id.bench.example/ and audience bench.
func signedFixture(b *testing.B, dir string) (string, string) {
	b.Helper()
	priv, pub, err := keys.Generate("RS256", "bench")
	if err != nil {
		b.Fatal(err)
	}
	jwksFile := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwksFile, pub, 0o644); err != nil {
		b.Fatal(err)
	}
	token, err := keys.Sign(priv, map[string]any{"iss": "https://id.bench.example/", "aud": "bench", "sub": "u-1"},
		keys.SignOptions{Now: func() time.Time { return clitestNow }})
	if err != nil {
		b.Fatal(err)
	}
	return jwksFile, token
}

// BenchmarkMappingDryRunBatch is the pre-flight of issue 17: 100,000
// profiles (the shape of internal/tools/perf/profilegen) through
// `mapping dry-run --batch - -o json` on every core, collisions included;
// it reports profiles/s (the budget: 300,000 on 2 cores).
func BenchmarkMappingDryRunBatch(b *testing.B) {
	const n = 100000
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, `{"sub":"%08x-4e1c-4b6a-9c3e-%012d","given_name":"Given%d","family_name":"Family%d","email_verified":true,`+
			`"contact":{"email":"User.%d@Example.com"},"https://acme.example/claims/mobile":"+44 7%03d %06d","locale":"en-GB"}`+"\n",
			i*2654435761&0xffffffff, i, i%9973, i%7919, i-i%1000/999, i/1000000%1000, i%1000000)
	}
	input := in.String()
	ws := filepath.Join(clitest.RepoRoot(b), "testdata", "brands", "valid")
	b.ReportAllocs()
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		res := clitest.Run(b, clitest.Opts{Stdin: strings.NewReader(input), Stdout: io.Discard}, "mapping", "dry-run", "--dir", ws, "--brand", "acme", "--batch", "-", "-o", "json")
		if res.Code != 1 || !strings.Contains(res.Stderr, "100000 profiles: 100000 can be created") {
			b.Fatalf("exit %d: %s", res.Code, res.Stderr[:min(len(res.Stderr), 300)])
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "profiles/s")
}

// BenchmarkTokenVerifyBatchCommand is `token verify --batch - -o json` on
// every core over 20,000 RS256 tokens, and its ratio to the standard
// library floor (split, base64url, SHA-256 and rsa.VerifyPKCS1v15 of the
// same tokens on every core) measured right after: x-floor (budget 0.8).
func BenchmarkTokenVerifyBatchCommand(b *testing.B) {
	const n = 20000
	dir := b.TempDir()
	jwksFile, token := signedFixture(b, dir)
	input := strings.Repeat(token+"\n", n)
	args := []string{"token", "verify", "--jwks", jwksFile, "--issuer", "https://id.bench.example/", "--audience", "bench", "--batch", "-", "-o", "json"}
	b.ReportAllocs()
	for b.Loop() {
		res := clitest.Run(b, clitest.Opts{Stdin: strings.NewReader(input), Stdout: io.Discard}, args...)
		if res.Code != 0 {
			b.Fatalf("exit %d: %s", res.Code, res.Stderr)
		}
	}
	perToken := b.Elapsed() / time.Duration(n*b.N)
	floor := rsaFloor(b, jwksFile, token, n*b.N)
	b.ReportMetric(float64(floor)/float64(perToken), "x-floor")
	b.ReportMetric(float64(time.Second)/float64(perToken), "tokens/s")
}

// rsaFloor is the time per token of verifying only the RS256 signature of
// token, count times, with the standard library on every core.
func rsaFloor(b *testing.B, jwksFile, token string, count int) time.Duration {
	data, err := os.ReadFile(jwksFile)
	if err != nil {
		b.Fatal(err)
	}
	var set struct{ Keys []struct{ N, E string } }
	if err := json.Unmarshal(data, &set); err != nil || len(set.Keys) == 0 {
		b.Fatalf("jwks: %v", err)
	}
	nb, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	eb, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	var left atomic.Int64
	left.Store(int64(count))
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				dot := strings.LastIndexByte(token, '.')
				sig, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
				h := sha256.Sum256([]byte(token[:dot]))
				if err != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) != nil {
					panic("floor: the signature does not verify")
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start) / time.Duration(count)
}
