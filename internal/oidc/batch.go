package oidc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sync/errgroup"
)

// Summary counts a batch by outcome.
type Summary struct {
	Total    int            `json:"total"`
	Valid    int            `json:"valid"`
	Invalid  int            `json:"invalid"`
	ByReason map[string]int `json:"by_reason"`
}

// batchJob is one token line; out receives its Result.
type batchJob struct {
	line    int
	token   string
	tooLong bool
	out     chan Result
}

// VerifyBatch verifies one token per line of r on workers goroutines and
// calls emit for each, strictly in input order. Blank lines and lines
// starting with '#' are skipped; line numbers are those of the input. The
// key set is loaded once (a failure is returned as an error wrapping
// jwks.ErrUnavailable) and refreshed at most once for the whole batch.
// Memory stays bounded: lines are streamed through small channels, and a
// line longer than MaxTokenBytes is reported malformed without being kept.
// An error from emit stops the batch and is returned.
func (v *Verifier) VerifyBatch(ctx context.Context, r io.Reader, workers int, emit func(line int, res Result) error) (Summary, error) {
	sum := Summary{ByReason: map[string]int{}}
	if workers < 1 {
		workers = 1
	}
	ks := newKeyState(v.src)
	if _, err := ks.current(ctx); err != nil {
		return sum, err
	}

	g, gctx := errgroup.WithContext(ctx)
	jobs := make(chan *batchJob, workers*2)
	// order holds jobs in input order; its capacity bounds how far reading
	// may run ahead of emitting.
	order := make(chan *batchJob, workers*8)

	g.Go(func() error {
		defer close(order)
		defer close(jobs)
		return readLines(gctx, r, func(j *batchJob) error {
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
				if j.tooLong {
					var cl checklist
					cl.fail(CheckFormat, ReasonMalformed, fmt.Sprintf("line is longer than the %d KiB token limit", MaxTokenBytes>>10))
					j.out <- cl.result(nil, nil)
					continue
				}
				j.out <- v.verify(gctx, ks, j.token)
			}
			return nil
		})
	}
	g.Go(func() error {
		for j := range order {
			var res Result
			select {
			case res = <-j.out:
			case <-gctx.Done():
				return gctx.Err()
			}
			sum.Total++
			if res.Valid {
				sum.Valid++
			} else {
				sum.Invalid++
				sum.ByReason[res.Reason]++
			}
			if err := emit(j.line, res); err != nil {
				return err
			}
		}
		return nil
	})
	err := g.Wait()
	return sum, err
}

// readLines streams r line by line with a fixed buffer, calling send for
// each token line. Over-long lines are skipped to their end, not buffered.
func readLines(ctx context.Context, r io.Reader, send func(*batchJob) error) error {
	br := bufio.NewReaderSize(r, MaxTokenBytes+1024)
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
			return fmt.Errorf("reading line %d: %w", line+1, err)
		}
		if len(chunk) == 0 && err == io.EOF {
			return nil
		}
		line++
		if len(text) > 0 && text[0] != '#' {
			j := &batchJob{line: line, tooLong: tooLong, out: make(chan Result, 1)}
			if !tooLong {
				j.token = string(text)
			}
			if serr := send(j); serr != nil {
				return serr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}
