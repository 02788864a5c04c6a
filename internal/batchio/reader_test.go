package batchio

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// item is what a reader is expected to yield for one line.
type item struct {
	n       int
	text    string
	tooLong bool
}

// reference splits input the way the Reader must, without streaming.
func reference(input []byte, maxLine int) []item {
	var out []item
	pieces := bytes.Split(input, []byte{'\n'})
	if len(pieces) > 0 && len(pieces[len(pieces)-1]) == 0 {
		pieces = pieces[:len(pieces)-1]
	}
	for i, p := range pieces {
		text := bytes.TrimSpace(p)
		if len(text) > 0 && text[0] == '#' {
			continue
		}
		switch {
		case len(p) > maxLine:
			out = append(out, item{n: i + 1, tooLong: true})
		case len(text) > 0:
			out = append(out, item{n: i + 1, text: string(text)})
		}
	}
	return out
}

// readAll drains a reader, checking each chunk's limits.
func readAll(t *testing.T, r *Reader, maxLines, maxBytes int) ([]item, error) {
	t.Helper()
	var out []item
	for {
		c, err := r.Next(maxLines, maxBytes)
		if c != nil {
			if len(c.Lines) == 0 || len(c.Lines) > maxLines {
				t.Fatalf("chunk of %d lines (max %d)", len(c.Lines), maxLines)
			}
			for _, l := range c.Lines {
				out = append(out, item{n: l.N, text: string(l.Text), tooLong: l.TooLong})
			}
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func equalItems(a, b []item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReaderLines(t *testing.T) {
	input := "first\n\n  # a comment\n\tsecond  \r\n" + strings.Repeat("x", 20) + "\n#" + strings.Repeat("y", 30) + "\n   \nlast"
	r := NewReader(strings.NewReader(input), 10)
	got, err := readAll(t, r, 2, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := []item{{n: 1, text: "first"}, {n: 4, text: "second"}, {n: 5, tooLong: true}, {n: 8, text: "last"}}
	if !equalItems(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if r.Offset() != int64(len(input)) {
		t.Errorf("offset %d, want %d", r.Offset(), len(input))
	}
}

// An over-long line is skipped to its end in pieces (never held whole),
// and one that is a comment stays a comment however long it is.
func TestReaderSkipsLongLinesInPieces(t *testing.T) {
	long := strings.Repeat("z", 200<<10)
	input := "a\n" + long + "\n   #" + long + "\nb\n" + long
	r := NewReader(strings.NewReader(input), 64<<10)
	got, err := readAll(t, r, 32, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := []item{{n: 1, text: "a"}, {n: 2, tooLong: true}, {n: 4, text: "b"}, {n: 5, tooLong: true}}
	if !equalItems(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// A slow stream gets each line as soon as it is complete: the chunk is cut
// when reading on would wait.
func TestReaderCutsWhenTheInputWaits(t *testing.T) {
	pr, pw := io.Pipe()
	r := NewReader(pr, 100)
	go func() { _, _ = pw.Write([]byte("one\ntwo\n")) }()
	c, err := r.Next(32, 1<<20)
	if err != nil || len(c.Lines) != 2 || string(c.Lines[1].Text) != "two" {
		t.Fatalf("first chunk: %v %+v", err, c)
	}
	go func() { _, _ = pw.Write([]byte("three\n")); pw.Close() }()
	c, err = r.Next(32, 1<<20)
	if err != nil || len(c.Lines) != 1 || c.Lines[0].N != 3 {
		t.Fatalf("second chunk: %v %+v", err, c)
	}
	if _, err := r.Next(32, 1<<20); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
}

func TestReaderReportsReadErrorsWithTheLine(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(strings.NewReader("a\nb\n"), iotest.ErrReader(boom)), 100)
	got, err := readAll(t, r, 32, 1<<20)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "reading line 3") {
		t.Errorf("error %v", err)
	}
	if len(got) != 2 {
		t.Errorf("items before the error: %+v", got)
	}
}

// FuzzReader checks the streaming reader against the plain split, with the
// input delivered in pieces of every size and a buffer small enough that
// over-long lines take the skipping path.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"", "\n", "a", "a\nb", "a\r\n\r\nb\n", "#x\n  #y\nz", "  \t\n", strings.Repeat("long", 20) + "\nok\n", "\xc2\x85#\n\u00a0x\u00a0\n"} {
		f.Add([]byte(s), uint8(10), uint8(2), false)
	}
	f.Fuzz(func(t *testing.T, input []byte, maxLine, maxLines uint8, oneByte bool) {
		ml := int(maxLine%40) + 1
		var src io.Reader = bytes.NewReader(input)
		if oneByte {
			src = iotest.OneByteReader(src)
		}
		r := newReaderSize(src, ml, 16)
		got, err := readAll(t, r, int(maxLines%5)+1, 24)
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(input, ml); !equalItems(got, want) {
			t.Fatalf("maxLine %d:\n got %+v\nwant %+v", ml, got, want)
		}
		if r.Offset() != int64(len(input)) {
			t.Fatalf("offset %d, want %d", r.Offset(), len(input))
		}
	})
}
