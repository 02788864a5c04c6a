package preflight

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// Kind is the identifier a collision is about.
type Kind uint8

// The identifiers the platform merges customers on, and the cuid.
const (
	KindEmail Kind = iota
	KindMobile
	KindCUID
	kindCount
)

func (k Kind) String() string { return [...]string{"email", "mobile", "cuid"}[k] }

// record is one identifier of one profile in the collision index: 32
// bytes, no pointers (the garbage collector never scans the index).
//
// key is a 128-bit keyed hash of the kind and the normalised identifier,
// its low two bits replaced by the kind (126 bits of hash). Two distinct
// identifiers share a key with probability about n²/2¹²⁷ over n
// identifiers: 3·10⁷ of them (10 million profiles, counted together) give
// 5·10⁻²⁴, so a reported collision is a real one. A 64-bit key would be 2.4·10⁻⁵ at that size and 2·10⁻³ at 100
// million profiles: rare, but a false "these users merge" is the one
// answer a pre-flight must not give. sub is a 64-bit keyed hash of the
// profile's sub, to count distinct users holding an identifier (a false
// match there needs two users of one identifier to share 64 bits).
// The hashes are keyed (hash/maphash, two independent seeds for the 128
// bits) by seeds drawn at random per run that never leave the process:
// the spill files hold no identifier, only hashes that cannot be matched
// against a list of addresses without the seeds. maphash is not a
// cryptographic hash; the worst a crafted export could get from it is a
// false collision in its own report.
type record struct {
	hi, lo uint64
	sub    uint64
	line   uint64
}

const recordSize = 32

func (r record) kind() Kind { return Kind(r.lo & 3) }

func less(a, b record) int {
	switch {
	case a.hi != b.hi:
		return cmpU64(a.hi, b.hi)
	case a.lo != b.lo:
		return cmpU64(a.lo, b.lo)
	case a.sub != b.sub:
		return cmpU64(a.sub, b.sub)
	}
	return cmpU64(a.line, b.line)
}

func cmpU64(a, b uint64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// Hasher turns identifiers into records; each worker has its own.
type Hasher struct {
	seeds *[3]maphash.Seed
	h     maphash.Hash
}

func (x *Hasher) sum(seed maphash.Seed, kind Kind, v string) uint64 {
	x.h.SetSeed(seed)
	_ = x.h.WriteByte(byte(kind))
	_, _ = x.h.WriteString(v)
	return x.h.Sum64()
}

// Records appends the records of one profile that the gateway would
// create: its cuid, and its email and mobile when it has them.
func (x *Hasher) Records(dst []record, line int, sub, email, mobile string) []record {
	subHash := x.sum(x.seeds[2], KindCUID, sub)
	add := func(kind Kind, v string) {
		dst = append(dst, record{
			hi:   x.sum(x.seeds[0], kind, v),
			lo:   x.sum(x.seeds[1], kind, v)&^3 | uint64(kind),
			sub:  subHash,
			line: uint64(line),
		})
	}
	add(KindCUID, sub)
	if email != "" {
		add(KindEmail, email)
	}
	if mobile != "" {
		add(KindMobile, mobile)
	}
	return dst
}

// Index collects records within a memory budget, spilling sorted runs to
// files in a private temporary directory past it, and at the end merges
// everything in key order to find identifiers held by several profiles.
type Index struct {
	seeds   [3]maphash.Seed
	budget  int64  // bytes of records kept in memory
	tempDir string // where the spill directory goes ("" for the system's)

	blocks   [][]record // full blocks and the one being filled, each sorted when spilled or merged
	free     [][]record // blocks already spilled, reused: the index allocates its budget once
	blockLen int
	kept     int // records in blocks

	dir  string   // the spill directory, made at the first spill
	runs []string // sorted run files
	// Spilled counts the records written to disk, for the summary.
	Spilled int64
}

// MinMemory is the smallest budget: a few dozen records.
const MinMemory = 4 << 10

// maxBlock is the largest block of records (1 MiB): blocks are sorted one
// by one, in cache, and merged; growing never copies the index.
const maxBlock = 1 << 20 / recordSize

// NewIndex makes an index that keeps at most budget bytes of records in
// memory; spill files go under tempDir ("" for os.TempDir()).
func NewIndex(budget int64, tempDir string) *Index {
	budget = max(budget, MinMemory)
	x := &Index{budget: budget, tempDir: tempDir, blockLen: int(min(int64(maxBlock), budget/recordSize))}
	for i := range x.seeds {
		x.seeds[i] = maphash.MakeSeed()
	}
	return x
}

// Hasher returns a new hasher for this index's keys.
func (x *Index) Hasher() *Hasher { return &Hasher{seeds: &x.seeds} }

// Add keeps recs, spilling to disk when the budget is reached.
func (x *Index) Add(recs []record) error {
	for len(recs) > 0 {
		if len(x.blocks) == 0 || len(x.blocks[len(x.blocks)-1]) == x.blockLen {
			if int64(x.kept+x.blockLen)*recordSize > x.budget {
				if err := x.spill(); err != nil {
					return err
				}
			}
			if n := len(x.free); n > 0 {
				x.blocks = append(x.blocks, x.free[n-1])
				x.free[n-1] = nil
				x.free = x.free[:n-1]
			} else {
				x.blocks = append(x.blocks, make([]record, 0, x.blockLen))
			}
		}
		b := &x.blocks[len(x.blocks)-1]
		n := copy((*b)[len(*b):cap(*b)], recs)
		*b = (*b)[:len(*b)+n]
		x.kept += n
		recs = recs[n:]
	}
	return nil
}

// spill writes the blocks as one sorted run and frees them.
func (x *Index) spill() error {
	if x.kept == 0 {
		return nil
	}
	if x.dir == "" {
		dir, err := os.MkdirTemp(x.tempDir, "ciamctl-preflight-")
		if err != nil {
			return fmt.Errorf("collision index: creating a spill directory: %w", err)
		}
		x.dir = dir
	}
	path := filepath.Join(x.dir, fmt.Sprintf("run-%06d", len(x.runs)))
	srcs := make([]source, 0, len(x.blocks))
	for _, b := range x.blocks {
		slices.SortFunc(b, less)
		srcs = append(srcs, &sliceSource{recs: b})
	}
	if err := writeRun(path, srcs); err != nil {
		return err
	}
	x.runs = append(x.runs, path)
	x.Spilled += int64(x.kept)
	for i, b := range x.blocks {
		x.free = append(x.free, b[:0])
		x.blocks[i] = nil
	}
	x.blocks, x.kept = x.blocks[:0], 0
	return nil
}

// Close removes the spill files; it is safe to call more than once.
func (x *Index) Close() error {
	x.blocks, x.free = nil, nil
	if x.dir == "" {
		return nil
	}
	err := os.RemoveAll(x.dir)
	x.dir = ""
	return err
}

// Dir is the spill directory ("" until the first spill), for tests.
func (x *Index) Dir() string { return x.dir }

// sources opens every sorted input for the final merge: the runs (after
// spilling what is in memory, if anything was spilled at all, so the
// budget also bounds the merge) or the blocks when nothing was.
func (x *Index) sources() ([]source, func(), error) {
	if len(x.runs) == 0 {
		srcs := make([]source, 0, len(x.blocks))
		for _, b := range x.blocks {
			slices.SortFunc(b, less)
			srcs = append(srcs, &sliceSource{recs: b})
		}
		return srcs, func() {}, nil
	}
	if err := x.spill(); err != nil {
		return nil, nil, err
	}
	x.blocks, x.free = nil, nil // the merge's read buffers take the budget now
	// Too many runs to read at once (file descriptors, one buffer each):
	// merge them in groups first.
	for len(x.runs) > maxFanIn {
		var next []string
		for i := 0; i < len(x.runs); i += maxFanIn {
			group := x.runs[i:min(i+maxFanIn, len(x.runs))]
			path := filepath.Join(x.dir, fmt.Sprintf("merge-%06d", len(x.runs)+i))
			if err := x.mergeFiles(group, path); err != nil {
				return nil, nil, err
			}
			next = append(next, path)
		}
		x.runs = next
	}
	srcs, closeAll, err := x.openRuns(x.runs)
	return srcs, closeAll, err
}

// maxFanIn is the most run files merged at once.
const maxFanIn = 128

func (x *Index) bufferSize(files int) int {
	return int(max(4<<10, min(1<<20, x.budget/int64(files+1))))
}

func (x *Index) openRuns(paths []string) ([]source, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	size := x.bufferSize(len(paths))
	srcs := make([]source, 0, len(paths))
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("collision index: %w", err)
		}
		files = append(files, f)
		srcs = append(srcs, &fileSource{r: bufio.NewReaderSize(f, size)})
	}
	return srcs, closeAll, nil
}

func (x *Index) mergeFiles(paths []string, out string) error {
	srcs, closeAll, err := x.openRuns(paths)
	if err != nil {
		return err
	}
	err = writeRun(out, srcs)
	closeAll()
	if err != nil {
		return err
	}
	for _, p := range paths {
		_ = os.Remove(p)
	}
	return nil
}

// writeRun merges sorted sources into a new run file.
func writeRun(path string, srcs []source) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("collision index: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	var buf [recordSize]byte
	err = merge(srcs, func(r record) error {
		binary.LittleEndian.PutUint64(buf[0:], r.hi)
		binary.LittleEndian.PutUint64(buf[8:], r.lo)
		binary.LittleEndian.PutUint64(buf[16:], r.sub)
		binary.LittleEndian.PutUint64(buf[24:], r.line)
		_, err := w.Write(buf[:])
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("collision index: writing %s: %w", path, err)
	}
	return nil
}

// source yields records in order.
type source interface {
	next() (record, bool, error)
}

type sliceSource struct {
	recs []record
	i    int
}

func (s *sliceSource) next() (record, bool, error) {
	if s.i == len(s.recs) {
		return record{}, false, nil
	}
	s.i++
	return s.recs[s.i-1], true, nil
}

type fileSource struct {
	r   *bufio.Reader
	buf [recordSize]byte
}

func (s *fileSource) next() (record, bool, error) {
	if _, err := io.ReadFull(s.r, s.buf[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return record{}, false, nil
		}
		return record{}, false, fmt.Errorf("collision index: reading a spill file: %w", err)
	}
	b := s.buf[:]
	return record{
		hi: binary.LittleEndian.Uint64(b[0:]), lo: binary.LittleEndian.Uint64(b[8:]),
		sub: binary.LittleEndian.Uint64(b[16:]), line: binary.LittleEndian.Uint64(b[24:]),
	}, true, nil
}

// merge calls fn with every record of the sorted sources, in order: a
// binary heap of the sources' heads.
func merge(srcs []source, fn func(record) error) error {
	type head struct {
		r   record
		src source
	}
	h := make([]head, 0, len(srcs))
	for _, s := range srcs {
		r, ok, err := s.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, head{r, s})
		}
	}
	lessAt := func(i, j int) bool { return less(h[i].r, h[j].r) < 0 }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && lessAt(r, l) {
				m = r
			}
			if !lessAt(m, i) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		if err := fn(h[0].r); err != nil {
			return err
		}
		r, ok, err := h[0].src.next()
		if err != nil {
			return err
		}
		if ok {
			h[0].r = r
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return nil
}
