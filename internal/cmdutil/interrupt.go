package cmdutil

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// ErrInterrupted ends a command stopped by Ctrl-C (SIGINT): the error line
// is "interrupted" and the exit code 130 (128 + SIGINT, what a shell
// reports for a process Ctrl-C ended), whatever the command was doing when
// the signal came: a request it was waiting for fails because of the
// signal, not because the remote end did.
var ErrInterrupted = errors.New("interrupted")

// ErrTerminated is ErrInterrupted for SIGTERM: "terminated", exit code 143
// (128 + SIGTERM).
var ErrTerminated = errors.New("terminated")

// Interrupts turns Ctrl-C and SIGTERM into ErrInterrupted and ErrTerminated
// for one command line. A command that winds down through its context (HandleSignals:
// servers, temporary workspaces, platform writes in flight) has its
// context cancelled and then returns; any other ends at once with
// "interrupted" (or "terminated"), as the default signal action would end
// it but with a word and the status a shell would report. A second signal always ends the process.
//
// Listening for signals starts an OS thread (os/signal's loop), which
// every start-up would pay; so it starts only when a command winds down,
// or first reaches for the network or waits on stdin (Listen). Before
// that, a command has no network or stdin to wait on and ends at once
// anyway.
type Interrupts struct {
	cancel   context.CancelCauseFunc
	windDown bool
	errOut   io.Writer
	erase    bool      // stderr is a terminal: clear a spinner line first
	exit     func(int) // os.Exit; tests replace it

	mu      sync.Mutex
	ch      chan os.Signal
	done    chan struct{}
	stopped bool
	fired   atomic.Pointer[os.Signal]
}

type interruptsKey struct{}

// NewInterrupts returns the interrupt handling of a command whose context
// cancel cancels, and a context that carries it: commands run in process
// under this one (the demo's steps) use it instead of their own.
func NewInterrupts(ctx context.Context, cancel context.CancelCauseFunc, ios *iostreams.IOStreams, windDown bool) (*Interrupts, context.Context) {
	i := &Interrupts{cancel: cancel, windDown: windDown, errOut: ios.ErrOut, erase: ios.IsStderrTTY(),
		exit: os.Exit, done: make(chan struct{})}
	return i, context.WithValue(ctx, interruptsKey{}, i)
}

// InterruptsFrom returns the Interrupts of an enclosing command line.
func InterruptsFrom(ctx context.Context) (*Interrupts, bool) {
	i, ok := ctx.Value(interruptsKey{}).(*Interrupts)
	return i, ok
}

// Listen starts listening for Ctrl-C and SIGTERM, once. Nil-safe.
func (i *Interrupts) Listen() {
	if i == nil {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ch != nil || i.stopped {
		return
	}
	i.ch = make(chan os.Signal, 2)
	signal.Notify(i.ch, os.Interrupt, syscall.SIGTERM)
	go i.loop(i.ch)
}

// WindDown makes Ctrl-C and SIGTERM cancel the command's context (it then
// cleans up and returns, reported as interrupted) instead of ending the
// process at once, and starts listening: for work that must not be cut
// short, such as a batch with files to remove. It reports false when there
// is nothing to wind down with (no command line), so the caller listens
// itself.
func (i *Interrupts) WindDown() bool {
	if i == nil {
		return false
	}
	i.mu.Lock()
	i.windDown = true
	i.mu.Unlock()
	i.Listen()
	return true
}

func (i *Interrupts) loop(ch chan os.Signal) {
	var sig os.Signal
	select {
	case sig = <-ch:
	case <-i.done:
		return
	}
	i.fired.Store(&sig)
	i.mu.Lock()
	windDown := i.windDown
	i.mu.Unlock()
	if !windDown {
		i.die()
		return
	}
	i.cancel(i.Err())
	select {
	case <-ch:
		i.die()
	case <-i.done:
	}
}

func (i *Interrupts) die() {
	err, code := ErrInterrupted, 130
	if i.Err() == ErrTerminated {
		err, code = ErrTerminated, 143
	}
	msg := err.Error() + "\n"
	if i.erase {
		msg = "\r\x1b[K" + msg
	}
	_, _ = io.WriteString(i.errOut, msg)
	i.exit(code)
}

// Fired reports whether a signal came.
func (i *Interrupts) Fired() bool { return i != nil && i.fired.Load() != nil }

// Err is ErrTerminated after SIGTERM, else ErrInterrupted.
func (i *Interrupts) Err() error {
	if s := i.fired.Load(); s != nil && *s == syscall.SIGTERM {
		return ErrTerminated
	}
	return ErrInterrupted
}

// Stop stops listening: the default signal behaviour is back. Nil-safe.
func (i *Interrupts) Stop() {
	if i == nil {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopped {
		return
	}
	i.stopped = true
	if i.ch != nil {
		signal.Stop(i.ch)
	}
	close(i.done)
}

// listeningClient makes the first request of an HTTP client start
// listening: taking a client is not yet waiting on the network (token
// verify takes one for its key set even when the set is a file), and each
// listener costs a thread at start-up.
func (i *Interrupts) listeningClient(client func() *http.Client) func() *http.Client {
	return func() *http.Client {
		c := *client()
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c.Transport = &listeningTransport{i: i, next: next}
		return &c
	}
}

// listeningTransport starts listening for signals before its first request.
type listeningTransport struct {
	i    *Interrupts
	next http.RoundTripper
}

func (t *listeningTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.i.Listen()
	return t.next.RoundTrip(req)
}

// WatchInterrupts makes f's network work and stdin reads start listening
// for i's signals.
func (f *Factory) WatchInterrupts(i *Interrupts) {
	f.Interrupts = i
	f.HTTPClient = i.listeningClient(f.HTTPClient)
}

// ListenForInterrupts starts listening before work that may wait (stdin).
func (f *Factory) ListenForInterrupts() { f.Interrupts.Listen() }
