package oidc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

type emitted struct {
	line int
	res  Result
}

func TestVerifyBatchOrderAndSummary(t *testing.T) {
	keysForTest(t)
	valid := mint(t, goodClaims())
	expired := mint(t, claimsWith(func(c map[string]any) { c["exp"] = testNow.Unix() - 3600 }))
	wrongAud := mint(t, claimsWith(func(c map[string]any) { c["aud"] = "x" }))
	longLine := strings.Repeat("A", MaxTokenBytes+5000)

	input := strings.Join([]string{
		"# tokens exported from staging", // 1
		valid,                            // 2
		"",                               // 3
		"   ",                            // 4
		expired + "\r",                   // 5 (CRLF)
		"garbage",                        // 6
		"#" + longLine,                   // 7: a long comment is still a comment
		longLine,                         // 8
		"  " + valid,                     // 9
		wrongAud,                         // 10
		"\t# indented comment",           // 11
		valid,                            // 12, no trailing newline
	}, "\n")
	want := []struct {
		line   int
		reason string
	}{{2, ""}, {5, ReasonExpired}, {6, ReasonMalformed}, {8, ReasonMalformed}, {9, ""}, {10, ReasonAudienceMismatch}, {12, ""}}

	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
			var got []emitted
			sum, err := v.VerifyBatch(t.Context(), strings.NewReader(input), workers, func(line int, res Result) error {
				got = append(got, emitted{line, res})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d results, want %d: %+v", len(got), len(want), got)
			}
			for i, w := range want {
				if got[i].line != w.line || got[i].res.Reason != w.reason || got[i].res.Valid != (w.reason == "") {
					t.Errorf("result %d: line %d reason %q, want line %d reason %q", i, got[i].line, got[i].res.Reason, w.line, w.reason)
				}
			}
			wantSum := Summary{Total: 7, Valid: 3, Invalid: 4, ByReason: map[string]int{ReasonExpired: 1, ReasonMalformed: 2, ReasonAudienceMismatch: 1}}
			if fmt.Sprint(sum) != fmt.Sprint(wantSum) {
				t.Errorf("summary %+v, want %+v", sum, wantSum)
			}
		})
	}
}

func TestVerifyBatchManyLinesInOrder(t *testing.T) {
	keysForTest(t)
	toks := []string{mint(t, goodClaims()), "bad", mint(t, claimsWith(func(c map[string]any) { delete(c, "sub") }))}
	var in bytes.Buffer
	const n = 3000
	for i := range n {
		in.WriteString(toks[i%3])
		in.WriteByte('\n')
	}
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	next := 1
	sum, err := v.VerifyBatch(t.Context(), &in, 4, func(line int, res Result) error {
		if line != next {
			return fmt.Errorf("line %d emitted, want %d", line, next)
		}
		if wantValid := (line-1)%3 == 0; res.Valid != wantValid {
			return fmt.Errorf("line %d valid=%v", line, res.Valid)
		}
		next++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != n || sum.Valid != n/3 || sum.ByReason[ReasonMalformed] != n/3 || sum.ByReason[ReasonMissingClaim] != n/3 {
		t.Errorf("summary %+v", sum)
	}
}

func TestVerifyBatchStopsOnEmitError(t *testing.T) {
	keysForTest(t)
	var in strings.Builder
	for range 500 {
		in.WriteString("bad\n")
	}
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	stop := errors.New("stdout closed")
	calls := 0
	_, err := v.VerifyBatch(t.Context(), strings.NewReader(in.String()), 2, func(int, Result) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

func TestVerifyBatchKeySetUnavailable(t *testing.T) {
	src := &countingSource{err: &jwks.LoadError{Location: "https://id.example/jwks", Cause: "connection refused"}}
	v := mustVerifier(t, testPolicy(), src)
	_, err := v.VerifyBatch(t.Context(), strings.NewReader("a.b.c\n"), 2, func(int, Result) error {
		t.Error("nothing must be emitted")
		return nil
	})
	if !errors.Is(err, jwks.ErrUnavailable) {
		t.Fatalf("got %v", err)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(p, "bad\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestVerifyBatchReadError(t *testing.T) {
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	_, err := v.VerifyBatch(t.Context(), &failingReader{n: 3}, 2, func(int, Result) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("got %v", err)
	}
}

// A slow stream (a followed log) gets each result before the next line is
// written: chunking never holds a result back waiting for more input.
func TestVerifyBatchStreamsResults(t *testing.T) {
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	tok := mint(t, goodClaims())
	pr, pw := io.Pipe()
	results := make(chan int, 10)
	done := make(chan error, 1)
	go func() {
		_, err := v.VerifyBatch(context.Background(), pr, 2, func(line int, res Result) error {
			if !res.Valid {
				t.Errorf("line %d: %s", line, res.Error)
			}
			results <- line
			return nil
		})
		done <- err
	}()
	for i := 1; i <= 3; i++ {
		if _, err := io.WriteString(pw, tok+"\n"); err != nil {
			t.Fatal(err)
		}
		select {
		case line := <-results:
			if line != i {
				t.Fatalf("got line %d, want %d", line, i)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no result for line %d while the input stays open", i)
		}
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Chunks keep input order across many lines, comments and blank lines.
func TestVerifyBatchOrderAcrossChunks(t *testing.T) {
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	good, bad := mint(t, goodClaims()), "not.a.token"
	var in strings.Builder
	want := map[int]bool{}
	for i := 1; i <= 500; i++ {
		switch {
		case i%50 == 0:
			in.WriteString("# comment\n")
		case i%7 == 0:
			in.WriteString(bad + "\n")
			want[i] = false
		default:
			in.WriteString(good + "\n")
			want[i] = true
		}
	}
	last := 0
	sum, err := v.VerifyBatch(context.Background(), strings.NewReader(in.String()), 3, func(line int, res Result) error {
		if line <= last {
			t.Fatalf("line %d after %d", line, last)
		}
		last = line
		if res.Valid != want[line] {
			t.Errorf("line %d: valid=%v", line, res.Valid)
		}
		return nil
	})
	if err != nil || sum.Total != len(want) {
		t.Fatalf("total %d of %d, %v", sum.Total, len(want), err)
	}
}

// Issue 12, item 11: a huge worker count is capped at MaxWorkers rather than
// allocating channels and goroutines for it (2147483647 crashed).
func TestVerifyBatchCapsWorkers(t *testing.T) {
	keysForTest(t)
	if m := MaxWorkers(); m < 256 || m < 4*runtime.NumCPU() {
		t.Fatalf("MaxWorkers() = %d", m)
	}
	v := mustVerifier(t, testPolicy(), StaticSource{S: standardSet(t)})
	tok := mint(t, goodClaims())
	sum, err := v.VerifyBatch(t.Context(), strings.NewReader(tok+"\n"+tok+"\n"), math.MaxInt32, func(int, Result) error { return nil })
	if err != nil || sum.Valid != 2 {
		t.Fatalf("%v, %+v", err, sum)
	}
}
