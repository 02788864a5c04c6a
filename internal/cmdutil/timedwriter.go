package cmdutil

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// FlushEvery is how long a batch result may wait in the buffer: short enough
// that a pipeline following a live log sees results as they are decided,
// long enough that a million results do not cost a million write calls.
const FlushEvery = 100 * time.Millisecond

// TimedWriter buffers a batch's output and flushes it when the buffer
// fills, when FlushEvery has passed, and on Close.
type TimedWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	err  error
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewTimedWriter buffers writes to w; Close it when done.
func NewTimedWriter(w io.Writer) *TimedWriter {
	t := &TimedWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go t.loop()
	return t
}

func (t *TimedWriter) loop() {
	defer close(t.done)
	tick := time.NewTicker(FlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			_ = t.Flush()
		case <-t.stop:
			return
		}
	}
}

// Write keeps the first error, as bufio.Writer does.
func (t *TimedWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.w.Write(p)
	t.err = err
	return n, err
}

// Flush writes out what is buffered.
func (t *TimedWriter) Flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil && t.w.Buffered() > 0 {
		t.err = t.w.Flush()
	}
	return t.err
}

// Close stops the timer and flushes what is left; later calls only report.
func (t *TimedWriter) Close() error {
	t.once.Do(func() {
		close(t.stop)
		<-t.done
	})
	return t.Flush()
}
