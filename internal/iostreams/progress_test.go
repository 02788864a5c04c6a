package iostreams

import (
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Slow work on a terminal shows the spinner with its label, and stopping
// erases the line; without a terminal nothing is ever written.
func TestProgress(t *testing.T) {
	ios, _, _, _ := Test()
	var buf syncBuf
	ios.ErrOut = &buf
	ios.SetTTY(false, false, true)
	stop := ios.StartProgress("Fetching keys")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), "Fetching keys") {
		if time.Now().After(deadline) {
			t.Fatal("no spinner for slow work on a terminal")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	stop() // idempotent
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("the spinner line is not erased: %q", buf.String())
	}

	ios2, _, _, errOut := Test()
	ios2.SetTTY(true, true, false)
	stop = ios2.StartProgress("Fetching keys")
	time.Sleep(2 * progressDelay)
	stop()
	if errOut.Len() != 0 {
		t.Errorf("spinner without a terminal: %q", errOut.String())
	}
}

// The label may name a URL or path from the command line: it is escaped.
func TestProgressLabelEscaped(t *testing.T) {
	ios, _, _, _ := Test()
	var buf syncBuf
	ios.ErrOut = &buf
	ios.SetTTY(false, false, true)
	stop := ios.StartProgress("Loading keys\x1b]0;pwned\x07")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), `Loading keys\x1b]0;pwned\a`) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("label not shown escaped: %q", buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if strings.Contains(buf.String(), "\x07") || strings.Contains(buf.String(), "\x1b]") {
		t.Errorf("raw label: %q", buf.String())
	}
}
