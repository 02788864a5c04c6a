// Package batchio reads batch input (one item per line: tokens, JSON Lines)
// as a stream of chunks, so a batch of any size is read with a fixed buffer
// and handed to workers a few dozen lines at a time.
package batchio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode"
)

// Line is one item of the input. Text is trimmed of surrounding white space
// and aliases its Chunk's buffer. A line whose content is longer than the
// reader's limit is TooLong, with no Text: it is skipped to its end, never
// held in memory.
type Line struct {
	N       int // 1-based line number in the input, blank and comment lines counted
	Text    []byte
	TooLong bool
}

// Chunk is a run of consecutive items; its lines share one buffer.
type Chunk struct {
	Lines []Line
	// End is the input offset just past the chunk's last line, for progress.
	End int64

	buf   []byte
	spans []span
}

type span struct{ start, end int }

// chunkPool recycles chunks: a batch of millions of lines reads into the
// same few buffers.
var chunkPool = sync.Pool{New: func() any { return new(Chunk) }}

// Release hands the chunk back for reuse; its lines must not be used after.
func (c *Chunk) Release() {
	c.Lines, c.buf, c.spans = c.Lines[:0], c.buf[:0], c.spans[:0]
	chunkPool.Put(c)
}

// Reader splits a stream into items: blank lines and lines starting with
// '#' (after white space) are skipped; everything else is an item.
type Reader struct {
	br      *bufio.Reader
	maxLine int
	line    int
	offset  int64
	done    bool
}

// readBuffer is the least the reader buffers: large reads keep the
// syscalls few on a file, whatever the line limit.
const readBuffer = 64 << 10

// NewReader reads r; lines with more than maxLine bytes of content are
// reported TooLong.
func NewReader(r io.Reader, maxLine int) *Reader {
	return newReaderSize(r, maxLine, readBuffer)
}

// newReaderSize lets tests use a small buffer, so over-long lines are
// skipped in pieces as they are past 64 KiB.
func newReaderSize(r io.Reader, maxLine, size int) *Reader {
	maxLine = max(maxLine, 1)
	return &Reader{br: bufio.NewReaderSize(r, max(maxLine+1, size)), maxLine: maxLine}
}

// Offset is how many bytes of the input have been consumed.
func (r *Reader) Offset() int64 { return r.offset }

// Next returns the next chunk: at most maxLines items or about maxBytes of
// them, and fewer when reading on would wait for the input (so a slow
// stream, such as a followed log, gets each result at once). It returns
// io.EOF once the input is exhausted and every item returned; a read error
// is returned, wrapped with the line it happened on, after the items
// before it.
func (r *Reader) Next(maxLines, maxBytes int) (*Chunk, error) {
	if r.done {
		return nil, io.EOF
	}
	c := chunkPool.Get().(*Chunk)
	var (
		lines = c.Lines[:0]
		spans = c.spans[:0]
		buf   = c.buf[:0]
		err   error
	)
	for {
		var text []byte
		var tooLong, comment bool
		var raw []byte
		raw, text, tooLong, comment, err = r.readLine()
		if len(raw) == 0 && err != nil {
			break
		}
		r.line++
		if len(text) > 0 && !comment || tooLong && !comment {
			l := Line{N: r.line, TooLong: tooLong}
			s := span{len(buf), len(buf)}
			if !tooLong {
				buf = append(buf, text...)
				s.end = len(buf)
			}
			lines = append(lines, l)
			spans = append(spans, s)
		}
		if err != nil {
			break
		}
		if len(lines) >= maxLines || len(buf) >= maxBytes || (len(lines) > 0 && r.br.Buffered() == 0) {
			break
		}
	}
	if err != nil {
		r.done = true
		if err == io.EOF {
			err = nil
		} else {
			err = fmt.Errorf("reading line %d: %w", r.line+1, err)
		}
	}
	c.Lines, c.spans, c.buf, c.End = lines, spans, buf, r.offset
	if len(lines) == 0 {
		c.Release()
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	for i, s := range spans {
		if !lines[i].TooLong {
			lines[i].Text = buf[s.start:s.end:s.end]
		}
	}
	return c, err
}

// readLine reads one line. raw is non-empty when a line was read (its
// bytes, or a prefix of an over-long one); text is its trimmed content,
// valid until the next read. A line starting with '#' is a comment.
func (r *Reader) readLine() (raw, text []byte, tooLong, comment bool, err error) {
	raw, err = r.br.ReadSlice('\n')
	r.offset += int64(len(raw))
	if errors.Is(err, bufio.ErrBufferFull) {
		// Longer than the buffer: only its first non-space byte matters
		// (a comment is skipped whatever its length); read on to its end.
		// (The slices are the reader's buffer: keep the byte, not them.)
		first := firstNonSpace(raw)
		for errors.Is(err, bufio.ErrBufferFull) {
			var more []byte
			more, err = r.br.ReadSlice('\n')
			r.offset += int64(len(more))
			if first < 0 {
				first = firstNonSpace(more)
			}
		}
		if err == io.EOF {
			err = nil // the line ended with the input; the next read says EOF
		}
		return []byte{'x'}, nil, true, first == '#', err
	}
	if len(raw) == 0 {
		return nil, nil, false, false, err
	}
	content := raw
	if content[len(content)-1] == '\n' {
		content = content[:len(content)-1]
	}
	text = bytes.TrimSpace(content)
	comment = len(text) > 0 && text[0] == '#'
	if len(content) > r.maxLine {
		return raw, nil, true, comment, err
	}
	return raw, text, false, comment, err
}

// firstNonSpace is the first byte after white space (as bytes.TrimSpace
// sees it), or -1.
func firstNonSpace(b []byte) int {
	if t := bytes.TrimLeftFunc(b, unicode.IsSpace); len(t) > 0 {
		return int(t[0])
	}
	return -1
}
