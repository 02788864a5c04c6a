package iostreams

import (
	"fmt"
	"sync"
	"time"
)

// StartProgress shows a spinner with a label on stderr while network work
// runs, only when stderr is a terminal, and only once the work has taken
// longer than progressDelay (a fast answer should not flicker). The
// returned func stops and erases it.
const progressDelay = 150 * time.Millisecond

func (s *IOStreams) StartProgress(label string) (stop func()) {
	if !s.stderrTTY || s.quiet {
		return func() {}
	}
	label = SafeText(label) // it may name a URL or path from the command line
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-done:
			return
		case <-time.After(progressDelay):
		}
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(s.ErrOut, "\r%s %s", frames[i%len(frames)], label)
			select {
			case <-done:
				fmt.Fprintf(s.ErrOut, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
