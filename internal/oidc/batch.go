package oidc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Summary counts a batch by outcome.
type Summary struct {
	Total    int            `json:"total"`
	Valid    int            `json:"valid"`
	Invalid  int            `json:"invalid"`
	ByReason map[string]int `json:"by_reason"`
}

// Tokens travel between the reader, the workers and the writer in chunks,
// so the hand-offs cost little next to the signature maths; a chunk is cut
// at chunkTokens tokens or chunkBytes of them, and early whenever reading on
// would wait, so a slow stream (a followed log) sees each result at once.
const (
	chunkTokens = 32
	chunkBytes  = 64 << 10
)

// MaxWorkers is the most workers VerifyBatch runs: 256, or four per CPU on
// machines with more than 64. Verification is CPU-bound, so workers beyond
// the CPUs add no speed, only memory: each lets the reader run up to six
// chunks (of at most 64 KiB of tokens) ahead of the writer, so 256 keep the
// worst case near 100 MiB while staying well above any core count the
// default (one per CPU) picks. Larger requests are capped; the CLI refuses them.
func MaxWorkers() int { return max(256, 4*runtime.NumCPU()) }

// batchLine is one token line of the input.
type batchLine struct {
	line    int
	token   string
	tooLong bool
}

// batchJob is a chunk of lines; out receives their results, in order.
type batchJob struct {
	lines []batchLine
	out   chan *batchDone
}

// batchDone is a chunk verified: its results, or with an encoder their
// formatted output, and how they count.
type batchDone struct {
	results []Result
	encoded []byte
	valid   int
	reasons []string // of the invalid results, in order
}

// VerifyBatch verifies one token per line of r on workers goroutines and
// calls emit for each, strictly in input order. Blank lines and lines
// starting with '#' are skipped; line numbers are those of the input. The
// key set is loaded once (a failure is returned as an error wrapping
// jwks.ErrUnavailable) and refreshed at most once for the whole batch.
// Memory stays bounded: lines stream through small channels in chunks of
// bounded size, and a line longer than MaxTokenBytes is reported malformed
// without being kept. An error from emit stops the batch and is returned.
func (v *Verifier) VerifyBatch(ctx context.Context, r io.Reader, workers int, emit func(line int, res Result) error) (Summary, error) {
	return v.verifyBatch(ctx, r, workers, nil, nil, emit)
}

// VerifyBatchTo is VerifyBatch with the formatting done on the workers:
// encode appends one result's output (it runs concurrently, once per
// token) and write receives the chunks, in input order. Formatting then
// runs as parallel as verification instead of on the one writer.
func (v *Verifier) VerifyBatchTo(ctx context.Context, r io.Reader, workers int, encode func(dst []byte, line int, res *Result) []byte, write func([]byte) error) (Summary, error) {
	return v.verifyBatch(ctx, r, workers, encode, write, nil)
}

// outputPool recycles the chunks' output buffers once written.
var outputPool = sync.Pool{New: func() any { return new([]byte) }}

func (v *Verifier) verifyBatch(ctx context.Context, r io.Reader, workers int, encode func([]byte, int, *Result) []byte, write func([]byte) error,
	emit func(int, Result) error) (Summary, error) {
	sum := Summary{ByReason: map[string]int{}}
	workers = min(max(workers, 1), MaxWorkers())
	ks := newKeyState(v.src)
	if _, err := ks.current(ctx); err != nil {
		return sum, err
	}

	g, gctx := errgroup.WithContext(ctx)
	jobs := make(chan *batchJob, workers*2)
	// order holds jobs in input order; its capacity bounds how far reading
	// may run ahead of emitting.
	order := make(chan *batchJob, workers*4)

	g.Go(func() error {
		defer close(order)
		defer close(jobs)
		return readChunks(gctx, r, func(j *batchJob) error {
			select {
			case order <- j:
			case <-gctx.Done():
				return gctx.Err()
			}
			select {
			case jobs <- j:
			case <-gctx.Done():
				return gctx.Err()
			}
			return nil
		})
	})
	for range workers {
		g.Go(func() error {
			for j := range jobs {
				d := &batchDone{}
				if encode == nil {
					d.results = make([]Result, 0, len(j.lines))
				} else {
					d.encoded = (*outputPool.Get().(*[]byte))[:0]
				}
				for _, l := range j.lines {
					var res Result
					if l.tooLong {
						var cl checklist
						cl.fail(CheckFormat, ReasonMalformed, fmt.Sprintf("line is longer than the %d KiB token limit", MaxTokenBytes>>10))
						res = cl.result(nil, nil)
					} else {
						res = v.verify(gctx, ks, l.token)
					}
					if res.Valid {
						d.valid++
					} else {
						d.reasons = append(d.reasons, res.Reason)
					}
					if encode == nil {
						d.results = append(d.results, res)
					} else {
						d.encoded = encode(d.encoded, l.line, &res)
					}
				}
				j.out <- d
			}
			return nil
		})
	}
	g.Go(func() error {
		for j := range order {
			var d *batchDone
			select {
			case d = <-j.out:
			case <-gctx.Done():
				return gctx.Err()
			}
			sum.Total += len(j.lines)
			sum.Valid += d.valid
			sum.Invalid += len(d.reasons)
			for _, r := range d.reasons {
				sum.ByReason[r]++
			}
			if encode != nil {
				err := write(d.encoded)
				outputPool.Put(&d.encoded)
				if err != nil {
					return err
				}
				continue
			}
			for i, res := range d.results {
				if err := emit(j.lines[i].line, res); err != nil {
					return err
				}
			}
		}
		return nil
	})
	err := g.Wait()
	return sum, err
}

// readChunks streams r line by line with a fixed buffer and hands the
// token lines on in chunks. Over-long lines are skipped to their end, not
// buffered.
func readChunks(ctx context.Context, r io.Reader, send func(*batchJob) error) error {
	br := bufio.NewReaderSize(r, MaxTokenBytes+1024)
	var cur *batchJob
	curBytes := 0
	flush := func() error {
		if cur == nil {
			return nil
		}
		j := cur
		cur, curBytes = nil, 0
		return send(j)
	}
	line := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk, err := br.ReadSlice('\n')
		tooLong := errors.Is(err, bufio.ErrBufferFull)
		var text []byte
		if tooLong {
			// Keep only the start (to spot a comment); the slice is reused
			// by the next read, hence the copy.
			text = bytes.TrimSpace(bytes.Clone(chunk[:64]))
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
		} else {
			text = bytes.TrimSpace(chunk)
		}
		if err != nil && err != io.EOF {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return fmt.Errorf("reading line %d: %w", line+1, err)
		}
		if len(chunk) == 0 && err == io.EOF {
			return flush()
		}
		line++
		if len(text) > 0 && text[0] != '#' {
			if cur == nil {
				cur = &batchJob{lines: make([]batchLine, 0, chunkTokens), out: make(chan *batchDone, 1)}
			}
			l := batchLine{line: line, tooLong: tooLong}
			if !tooLong {
				l.token = string(text)
				curBytes += len(text)
			}
			cur.lines = append(cur.lines, l)
		}
		if err == io.EOF {
			return flush()
		}
		// Cut the chunk when full, or when the next read might wait: a
		// stream that is slow to deliver must not hold results back.
		if cur != nil && (len(cur.lines) == chunkTokens || curBytes >= chunkBytes || br.Buffered() == 0) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// Session verifies many tokens with one key set: loaded once (by
// Verifier.Session) and refreshed at most once for all of them, as
// VerifyBatch does, for callers that run their own batch pipeline. It is
// safe for concurrent use.
type Session struct {
	v  *Verifier
	ks *keyState
}

// Session loads the key set; a failure wraps jwks.ErrUnavailable.
func (v *Verifier) Session(ctx context.Context) (*Session, error) {
	ks := newKeyState(v.src)
	if _, err := ks.current(ctx); err != nil {
		return nil, err
	}
	return &Session{v: v, ks: ks}, nil
}

// Verify checks one token, as Verifier.Verify does.
func (s *Session) Verify(ctx context.Context, token string) Result {
	return s.v.verify(ctx, s.ks, token)
}
