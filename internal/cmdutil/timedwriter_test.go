package cmdutil

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	n  int // write calls
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return l.b.Write(p)
}

func (l *lockedBuffer) snapshot() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String(), l.n
}

// A result waiting in the buffer reaches the output without more results
// coming (a pipeline following a live log), and many results cost few
// write calls.
func TestTimedWriter(t *testing.T) {
	var dst lockedBuffer
	w := NewTimedWriter(&dst)
	if _, err := w.Write([]byte("line 1\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if s, _ := dst.snapshot(); s == "line 1\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a buffered line never reached the output")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for range 10000 {
		_, _ = w.Write([]byte("0123456789\n"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal("a second Close:", err)
	}
	s, calls := dst.snapshot()
	if len(s) != len("line 1\n")+10000*11 {
		t.Fatalf("lost output: %d bytes", len(s))
	}
	if calls > 50 {
		t.Errorf("%d write calls for 10,001 lines", calls)
	}
}
