// Package ptytest runs a process on a pseudo-terminal for tests: the
// process sees a terminal on stdin, stdout and stderr, and the test reads
// everything it writes there and can type into it. Nothing answers the
// process's terminal queries unless the test writes the answer.
package ptytest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// ErrUnsupported is returned where the platform has no pseudo-terminals
// this package can open.
var ErrUnsupported = errors.New("ptytest: pseudo-terminals are not supported here")

// Terminal is a running process on a pseudo-terminal.
type Terminal struct {
	Cmd *exec.Cmd

	master *os.File
	done   chan struct{} // closed when the reader has seen EOF

	mu  sync.Mutex
	out bytes.Buffer
}

// Start starts cmd as the session leader of a new pseudo-terminal (its
// controlling terminal and foreground process group, as a shell would
// make it) with stdin, stdout and stderr on it. The test must call Wait.
// Tests on platforms without support are skipped.
func Start(t testing.TB, cmd *exec.Cmd) *Terminal {
	t.Helper()
	master, slave, err := open()
	if errors.Is(err, ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	setControllingTerminal(cmd)
	if err := cmd.Start(); err != nil {
		master.Close()
		slave.Close()
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	slave.Close() // the child holds it; EOF on master once the child is gone
	term := &Terminal{Cmd: cmd, master: master, done: make(chan struct{})}
	go term.read()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		master.Close()
	})
	return term
}

func (t *Terminal) read() {
	defer close(t.done)
	buf := make([]byte, 4096)
	for {
		n, err := t.master.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.out.Write(buf[:n])
			t.mu.Unlock()
		}
		if err != nil { // EIO on Linux once every slave is closed
			return
		}
	}
}

// Output is everything the process has written to the terminal so far.
func (t *Terminal) Output() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.String()
}

// Write types p into the terminal.
func (t *Terminal) Write(p []byte) (int, error) { return t.master.Write(p) }

var _ io.Writer = (*Terminal)(nil)

// WaitFor waits until the output contains s; false after timeout or when the
// process closed the terminal without writing it.
func (t *Terminal) WaitFor(s string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if strings.Contains(t.Output(), s) {
			return true
		}
		select {
		case <-t.done:
			return strings.Contains(t.Output(), s)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// Wait waits for the process to exit, at most timeout (then it is killed and
// timedOut is true), and for the rest of its output.
func (t *Terminal) Wait(timeout time.Duration) (state *os.ProcessState, timedOut bool) {
	exited := make(chan struct{})
	go func() { _ = t.Cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(timeout):
		timedOut = true
		_ = t.Cmd.Process.Kill()
		<-exited
	}
	select {
	case <-t.done:
	case <-time.After(5 * time.Second): // a grandchild may hold the terminal open
	}
	return t.Cmd.ProcessState, timedOut
}
