package iostreams

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BatchProgress is the one status line of a long batch on stderr: lines
// done, rate, and with a known input size the share read and the time
// left. It is drawn only when stderr is a terminal and stdout is not (with
// both on one terminal the results themselves show the progress, and a
// redrawn line would tangle with them), and only once the batch has run
// for progressDelay. Update is cheap (two atomic stores) and may be called
// for every chunk; the line is redrawn at most every batchRedraw.
type BatchProgress struct {
	s     *IOStreams
	noun  string
	size  int64
	start time.Time

	lines  atomic.Int64
	offset atomic.Int64
	note   atomic.Value // string: what the batch is doing after the last line

	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

const batchRedraw = 200 * time.Millisecond

// StartBatchProgress starts the status line for a batch of size bytes (0:
// unknown) counting noun ("lines"). Stop it before printing the summary.
func (s *IOStreams) StartBatchProgress(noun string, size int64) *BatchProgress {
	p := &BatchProgress{s: s, noun: noun, size: size, start: time.Now(), done: make(chan struct{})}
	if !s.stderrTTY || s.stdoutTTY {
		return p
	}
	p.wg.Add(1)
	go p.loop()
	return p
}

// Update records how many lines are done and how far into the input.
func (p *BatchProgress) Update(lines int, offset int64) {
	p.lines.Store(int64(lines))
	p.offset.Store(offset)
}

// Note replaces the rate and time left with what the batch does once
// every line is read (e.g. "finding collisions").
func (p *BatchProgress) Note(s string) { p.note.Store(s) }

// Stop erases the line; later calls do nothing.
func (p *BatchProgress) Stop() {
	p.once.Do(func() {
		close(p.done)
		p.wg.Wait()
	})
}

func (p *BatchProgress) loop() {
	defer p.wg.Done()
	select {
	case <-p.done:
		return
	case <-time.After(progressDelay):
	}
	tick := time.NewTicker(batchRedraw)
	defer tick.Stop()
	for {
		fmt.Fprintf(p.s.ErrOut, "\r\x1b[K%s", p.status(time.Since(p.start)))
		select {
		case <-p.done:
			fmt.Fprint(p.s.ErrOut, "\r\x1b[K")
			return
		case <-tick.C:
		}
	}
}

// status renders the line, e.g. "1,234,567 lines · 312,400/s · 41% · 0:05 left".
func (p *BatchProgress) status(elapsed time.Duration) string {
	lines, offset := p.lines.Load(), p.offset.Load()
	parts := []string{groupDigits(lines) + " " + p.noun}
	if note, _ := p.note.Load().(string); note != "" {
		return strings.Join(append(parts, SafeText(note)+"…"), " · ")
	}
	if secs := elapsed.Seconds(); secs > 0 {
		parts = append(parts, groupDigits(int64(float64(lines)/secs))+"/s")
	}
	if p.size > 0 && offset > 0 {
		share := min(float64(offset)/float64(p.size), 1)
		parts = append(parts, fmt.Sprintf("%.0f%%", share*100))
		if share > 0 {
			left := time.Duration(float64(elapsed) * (1 - share) / share)
			parts = append(parts, clock(left)+" left")
		}
	}
	return strings.Join(parts, " · ")
}

// groupDigits writes n with thousands separators.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// clock renders a duration as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
