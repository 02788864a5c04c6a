package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// RunForm shows a huh form on the terminal (stdin, and stderr so stdout stays
// the command's result). In accessible mode (ACCESSIBLE or
// CIAMCTL_ACCESSIBLE) it asks line by line; otherwise it runs the full-screen
// form so that keys typed ahead across Enter reach the field they were typed
// for (see typeAhead). Ctrl-C, and the end of input in accessible mode,
// return ErrCancelled.
func (f *Factory) RunForm(ctx context.Context, form *huh.Form) (err error) {
	if f.Accessible() {
		in := &eofReader{r: f.IOStreams.In}
		defer func() {
			// huh's accessible select indexes out of range when input ends
			// right after an answer it refused.
			if r := recover(); r != nil {
				if !in.eof {
					panic(r)
				}
				err = ErrCancelled
			}
		}()
		err = form.WithInput(in).WithOutput(f.IOStreams.ErrOut).WithAccessible(true).RunWithContext(ctx)
		switch {
		case errors.Is(err, huh.ErrUserAborted), err == nil && in.eof:
			// huh answers every prompt left with its default at the end of
			// input; a form nobody finished is not consent.
			return ErrCancelled
		case err != nil:
			return fmt.Errorf("form: %w", err)
		}
		return nil
	}
	form.SubmitCmd = tea.Quit
	form.CancelCmd = tea.Interrupt
	m := &typeAhead{form: form}
	_, err = tea.NewProgram(m,
		tea.WithInput(f.IOStreams.In), tea.WithOutput(f.IOStreams.ErrOut),
		tea.WithContext(ctx), tea.WithReportFocus()).Run()
	switch {
	case form.State == huh.StateAborted, errors.Is(err, tea.ErrInterrupted):
		return ErrCancelled
	case err != nil:
		return fmt.Errorf("form: %w", err)
	}
	return nil
}

// eofReader notes that input ended.
type eofReader struct {
	r   io.Reader
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		e.eof = true
	}
	return n, err
}

// typeAhead runs a huh form so that keys typed (or pasted) quickly across
// Enter land in the field they were meant for. huh moves the focus
// asynchronously: Enter returns a command whose "next field" message comes
// back through the event loop, after keys already read from the terminal,
// so `acme⏎app-1` typed fast became the brand name "acmeapp-1". Here, once
// a key that moves the focus was handed to the form, later keys wait until
// the focus has moved (or the form is done, or the field refused its
// value), then are handed on in order.
type typeAhead struct {
	form    *huh.Form
	waiting bool
	from    huh.Field
	queue   []tea.KeyMsg
	gen     int
}

// settleAfter bounds the wait for a move that never comes (Enter on the last
// field of a group another field of which has an error): the keys are then
// handed to the field that kept the focus.
const settleAfter = 500 * time.Millisecond

type settleMsg struct{ gen int }

func (m *typeAhead) Init() tea.Cmd { return m.form.Init() }
func (m *typeAhead) View() string  { return m.form.View() }

func (m *typeAhead) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		keys := splitPaste(msg)
		if m.waiting && msg.Type != tea.KeyCtrlC {
			m.queue = append(m.queue, keys...)
			return m, nil
		}
		if len(keys) > 1 {
			m.queue = append(keys, m.queue...)
			return m, m.flush()
		}
	case settleMsg:
		if msg.gen != m.gen || !m.waiting {
			return m, nil
		}
		m.waiting = false
		return m, m.flush()
	}
	return m, m.forward(msg)
}

// forward hands one message to the form and notes a focus move in flight.
func (m *typeAhead) forward(msg tea.Msg) tea.Cmd {
	before := m.form.GetFocusedField()
	_, cmd := m.form.Update(msg)
	cmds := []tea.Cmd{cmd}
	after := m.form.GetFocusedField()
	switch {
	case m.form.State != huh.StateNormal:
		m.waiting, m.queue = false, nil
	case m.waiting && (after != m.from || after.Error() != nil):
		m.waiting = false
		cmds = append(cmds, m.flush())
	case !m.waiting && movesFocus(msg) && after == before && after.Error() == nil:
		m.waiting, m.from = true, before
		m.gen++
		gen := m.gen
		cmds = append(cmds, tea.Tick(settleAfter, func(time.Time) tea.Msg { return settleMsg{gen} }))
	}
	return tea.Batch(cmds...)
}

// flush hands queued keys on until one of them starts another move.
func (m *typeAhead) flush() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.queue) > 0 && !m.waiting && m.form.State == huh.StateNormal {
		k := m.queue[0]
		m.queue = m.queue[1:]
		cmds = append(cmds, m.forward(k))
	}
	return tea.Batch(cmds...)
}

func movesFocus(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return false
	}
	switch k.String() {
	case "enter", "tab", "shift+tab":
		return true
	}
	return false
}

// splitPaste turns a pasted text holding line breaks into the keys a person
// would type: the text of each line, then Enter.
func splitPaste(k tea.KeyMsg) []tea.KeyMsg {
	if !k.Paste || !strings.ContainsAny(string(k.Runes), "\r\n") {
		return []tea.KeyMsg{k}
	}
	text := strings.ReplaceAll(string(k.Runes), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var keys []tea.KeyMsg
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			keys = append(keys, tea.KeyMsg{Type: tea.KeyEnter})
		}
		if line != "" {
			keys = append(keys, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(line), Paste: true})
		}
	}
	return keys
}
