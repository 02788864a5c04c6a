// Package preflight maps a brand's whole user base the way the gateway
// will (one claims object or ID token per line) before the switch to its
// CIAM: which profiles the platform could create, which not and why, and
// which would merge into one platform customer because they share an
// email or mobile. It streams: results come out in input order while the
// input is read, and memory holds only the collision index (bounded, with
// a spill to disk).
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ciamctl/ciamctl/internal/batchio"
	"github.com/ciamctl/ciamctl/internal/mapping"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// Input limits per line: a claims object as large as --claims allows, a
// token as large as verification accepts.
const (
	MaxClaimsLine = 1 << 20
	MaxTokenLine  = oidc.MaxTokenBytes
)

// Options of a run. Mapper and Index are required.
type Options struct {
	Mapper *mapping.Mapper
	Index  *Index
	// Tokens: each line is an ID token, verified by Verify, or only
	// decoded when Verify is nil (--no-verify). Otherwise each line is a
	// claims object.
	Tokens bool
	Verify func(ctx context.Context, token string) oidc.Result
	// Workers map lines in parallel (default: one per CPU).
	Workers int
	// Encode appends one result's output to buf; it runs on the workers,
	// so formatting is as parallel as mapping.
	Encode func(buf []byte, line int, r *mapping.Result) []byte
	// Write receives the encoded results, in input order.
	Write func(p []byte) error
	// Progress, when set, is told after each chunk how many lines were
	// read and how many bytes of the input; Merging, when set, when every
	// line is mapped and the collision index is merged (seconds for
	// millions of profiles).
	Progress func(lines int, offset int64)
	Merging  func()
}

// Summary is the outcome of a run. Failed lines are counted by their
// errors' codes (ByProblem), and every line by its warnings' codes (a line
// counts once per code, however many fields have it): a
// warning leaves a field out of the customer (an invalid mobile, a missing
// claim) without stopping its creation. Codes are the mapping's, plus
// invalid_token and invalid_claims.
type Summary struct {
	Total      int64            `json:"total"`
	OK         int64            `json:"ok"`
	Failed     int64            `json:"failed"`
	ByProblem  map[string]int64 `json:"by_problem"`
	Warnings   map[string]int64 `json:"warnings"`
	Collisions Collisions       `json:"collisions"`
	// KeysUnavailable counts tokens not verified because the key set
	// could not be refetched (exit 3, as token verify --batch).
	KeysUnavailable int64 `json:"-"`
	// Spilled is how many identifiers the index wrote to disk.
	Spilled int64 `json:"-"`
}

// Chunks of lines travel between reader, workers and writer; a chunk is
// cut at chunkLines lines or chunkBytes of input, and early when the
// input waits.
const (
	chunkLines = 256
	chunkBytes = 128 << 10
)

type job struct {
	chunk *batchio.Chunk
	done  chan *jobResult
}

type jobResult struct {
	out      []byte
	records  []record
	total    int64
	ok       int64
	noKeys   int64
	errors   map[string]int64
	warnings map[string]int64
}

// Run maps every line of r and returns the summary, collisions included.
// An error from Write, reading r, the index or ctx stops it.
func Run(ctx context.Context, r io.Reader, o Options) (Summary, error) {
	sum := Summary{ByProblem: map[string]int64{}, Warnings: map[string]int64{}}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	maxLine := MaxClaimsLine
	if o.Tokens {
		maxLine = MaxTokenLine
	}
	in := batchio.NewReader(r, maxLine)

	g, gctx := errgroup.WithContext(ctx)
	// The reader runs at most this far ahead of the writer: with each
	// chunk's input and output (about 300 KiB), about 1 MiB per worker.
	jobs := make(chan *job, workers)
	order := make(chan *job, workers*2+2)
	// The reader is not waited for when the run is cancelled: it may be
	// blocked reading a pipe or a terminal that has nothing more to say,
	// and Ctrl-C must end the run now. It ends at its next send.
	readDone := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		readDone <- func() error {
			for {
				if err := gctx.Err(); err != nil {
					return err
				}
				c, err := in.Next(chunkLines, chunkBytes)
				if c != nil {
					j := &job{chunk: c, done: make(chan *jobResult, 1)}
					if !send(gctx, order, j) || !send(gctx, jobs, j) {
						return gctx.Err()
					}
				}
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("--batch: %w", err)
				}
			}
		}()
	}()
	for range workers {
		g.Go(func() error {
			w := worker{o: &o, hasher: o.Index.Hasher(), lines: o.Mapper.LineMapper()}
			for {
				select {
				case j, ok := <-jobs:
					if !ok {
						return nil
					}
					j.done <- w.run(gctx, j.chunk)
				case <-gctx.Done():
					return gctx.Err()
				}
			}
		})
	}
	g.Go(func() error {
		for {
			var j *job
			select {
			case next, ok := <-order:
				if !ok {
					return <-readDone // the reader is done: how did it end?
				}
				j = next
			case <-gctx.Done():
				return gctx.Err()
			}
			var res *jobResult
			select {
			case res = <-j.done:
			case <-gctx.Done():
				return gctx.Err()
			}
			if err := o.Write(res.out); err != nil {
				return err
			}
			if err := o.Index.Add(res.records); err != nil {
				return err
			}
			sum.Total += res.total
			sum.OK += res.ok
			sum.KeysUnavailable += res.noKeys
			for k, n := range res.errors {
				sum.ByProblem[k] += n
			}
			for k, n := range res.warnings {
				sum.Warnings[k] += n
			}
			if o.Progress != nil {
				c := j.chunk
				o.Progress(c.Lines[len(c.Lines)-1].N, c.End)
			}
			res.release()
			j.chunk.Release()
		}
	})
	if err := g.Wait(); err != nil {
		return sum, err
	}
	sum.Failed = sum.Total - sum.OK
	if o.Merging != nil {
		o.Merging()
	}
	var err error
	sum.Collisions, err = o.Index.Collisions()
	sum.Spilled = o.Index.Spilled
	return sum, err
}

func send(ctx context.Context, ch chan<- *job, j *job) bool {
	select {
	case ch <- j:
		return true
	case <-ctx.Done():
		return false
	}
}

// worker maps chunks; its hasher and scratch space are its own.
type worker struct {
	o      *Options
	hasher *Hasher
	lines  *mapping.LineMapper
}

// resultPool recycles the workers' output and record buffers once the
// writer is done with them.
var resultPool = sync.Pool{New: func() any { return new(jobResult) }}

func (r *jobResult) release() {
	*r = jobResult{out: r.out[:0], records: r.records[:0]}
	resultPool.Put(r)
}

func (w *worker) run(ctx context.Context, c *batchio.Chunk) *jobResult {
	res := resultPool.Get().(*jobResult)
	for _, l := range c.Lines {
		r, noKeys := w.mapLine(ctx, l)
		res.total++
		if noKeys {
			res.noKeys++
		}
		if r.OK {
			res.ok++
			res.records = w.hasher.Records(res.records, l.N, r.Profile.CUID(), r.Profile.Email, r.Profile.Mobile)
		}
		for i, p := range r.Problems {
			if seenBefore(r.Problems[:i], p.Code) {
				continue // lines are counted, not problems
			}
			counts := &res.warnings
			if p.Severity == mapping.SeverityError {
				counts = &res.errors
			}
			if *counts == nil {
				*counts = map[string]int64{}
			}
			(*counts)[p.Code]++
		}
		res.out = w.o.Encode(res.out, l.N, &r)
	}
	return res
}

// mapLine maps one line; noKeys reports a token left unverified because
// the key set could not be refetched.
func (w *worker) mapLine(ctx context.Context, l batchio.Line) (r mapping.Result, noKeys bool) {
	m := w.lines
	switch {
	case l.TooLong && w.o.Tokens:
		r = notAToken(m, fmt.Sprintf("the line is longer than the %d KiB token limit", MaxTokenLine>>10))
	case l.TooLong:
		r = m.MapLine(nil)
		r.Problems = []mapping.Problem{{Field: "claims", Severity: mapping.SeverityError, Code: mapping.CodeInvalidClaims,
			Message: fmt.Sprintf("the line is longer than the %d MiB limit for a claims object", MaxClaimsLine>>20)}}
		r.OK = false
	case !w.o.Tokens:
		r = m.MapLine(l.Text)
	case w.o.Verify == nil:
		_, claims, err := oidc.Decode(string(l.Text))
		if err != nil {
			r = notAToken(m, err.Error())
		} else {
			r = m.MapLine(claims)
		}
	default:
		v := w.o.Verify(ctx, string(l.Text))
		r = m.MapLine(v.Claims)
		if !v.Valid {
			mapping.RejectToken(&r, v.Error, len(v.Claims) > 0)
			noKeys = v.Reason == oidc.ReasonJWKSUnavailable
		}
	}
	return r, noKeys
}

// notAToken is the result for a line that cannot be an ID token at all.
func notAToken(m *mapping.LineMapper, why string) mapping.Result {
	r := m.MapLine(nil)
	r.Problems = []mapping.Problem{{Field: "token", Severity: mapping.SeverityError, Code: mapping.CodeInvalidToken, Message: "not an ID token: " + why}}
	r.OK = false
	return r
}

func seenBefore(ps []mapping.Problem, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}
