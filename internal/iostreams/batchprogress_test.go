package iostreams

import (
	"strings"
	"testing"
	"time"
)

func TestBatchProgressStatus(t *testing.T) {
	s, _, _, _ := Test()
	p := s.StartBatchProgress("lines", 1000)
	defer p.Stop()
	p.Update(1234567, 250)
	if got, want := p.status(4*time.Second), "1,234,567 lines · 308,641/s · 25% · 0:12 left"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	p.Note("finding collisions")
	if got, want := p.status(9*time.Second), "1,234,567 lines · finding collisions…"; got != want {
		t.Errorf("status with a note %q, want %q", got, want)
	}
	unknown := s.StartBatchProgress("tokens", 0)
	defer unknown.Stop()
	unknown.Update(999, 5000)
	if got, want := unknown.status(time.Second), "999 tokens · 999/s"; got != want {
		t.Errorf("status without a size %q, want %q", got, want)
	}
}

// The line is drawn on a terminal stderr and erased at the end; without a
// terminal, or with the results on the same terminal, nothing is written.
func TestBatchProgressOnlyOnATerminal(t *testing.T) {
	for _, c := range []struct {
		stdoutTTY, stderrTTY, drawn bool
	}{{false, true, true}, {false, false, false}, {true, true, false}} {
		s, _, _, errOut := Test()
		s.SetTTY(false, c.stdoutTTY, c.stderrTTY)
		p := s.StartBatchProgress("lines", 0)
		p.Update(42, 100)
		time.Sleep(progressDelay + 3*batchRedraw)
		p.Stop()
		got := errOut.String()
		if drawn := strings.Contains(got, "42 lines"); drawn != c.drawn {
			t.Errorf("stdout tty %v, stderr tty %v: drawn %v, want %v (%q)", c.stdoutTTY, c.stderrTTY, drawn, c.drawn, got)
		}
		if c.drawn && !strings.HasSuffix(got, "\r\x1b[K") {
			t.Errorf("the line is not erased at the end: %q", got)
		}
	}
}
