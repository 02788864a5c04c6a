package cmdutil

import (
	"reflect"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// loop plays bubbletea's event loop the way it behaves when keys arrive
// faster than commands run: every key read from the terminal is handled
// before the messages of the commands its handling returned.
type loop struct {
	t       *testing.T
	model   tea.Model
	pending []tea.Cmd
}

func (l *loop) send(msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := l.model.Update(msg)
		l.pending = append(l.pending, cmd)
	}
}

// settle runs the commands that answer at once (not timers) and hands their
// messages on, until none are left.
func (l *loop) settle() {
	for len(l.pending) > 0 {
		cmd := l.pending[0]
		l.pending = l.pending[1:]
		if cmd == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- cmd() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(100 * time.Millisecond):
			continue // a timer (cursor blink, settle): not part of the move
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			for i := range v.Len() { // tea.Batch and tea.Sequence
				l.pending = append(l.pending, v.Index(i).Interface().(tea.Cmd))
			}
			continue
		}
		if msg != nil {
			l.send(msg)
		}
	}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var enter = tea.KeyMsg{Type: tea.KeyEnter}

func twoFields() (*huh.Form, *string, *string) {
	var name, app string
	form := huh.NewForm(huh.NewGroup(
		huh.NewInput().Title("Name").Value(&name),
		huh.NewInput().Title("App").Value(&app),
	))
	return form, &name, &app
}

// "acme⏎app-1" arriving at once: without typeAhead huh puts it all in the
// first field; with it, each part lands in its own.
func TestTypeAheadKeysLandInTheirField(t *testing.T) {
	keys := []tea.Msg{runes("acme"), enter, runes("app-1")}

	form, name, app := twoFields()
	plain := &loop{t: t, model: form}
	plain.pending = append(plain.pending, form.Init())
	plain.settle()
	plain.send(keys...)
	plain.settle()
	if *name != "acmeapp-1" {
		t.Logf("huh itself now keeps up (name %q, app %q); the test still checks typeAhead", *name, *app)
	}

	form, name, app = twoFields()
	m := &typeAhead{form: form}
	l := &loop{t: t, model: m}
	l.pending = append(l.pending, m.Init())
	l.settle()
	l.send(keys...)
	l.settle()
	if *name != "acme" || *app != "app-1" {
		t.Errorf("name %q, app %q; want acme, app-1", *name, *app)
	}
}

// A paste holding line breaks is typed line by line, each ended by Enter.
func TestTypeAheadSplitsPastedLines(t *testing.T) {
	form, name, app := twoFields()
	m := &typeAhead{form: form}
	l := &loop{t: t, model: m}
	l.pending = append(l.pending, m.Init())
	l.settle()
	l.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("acme\r\napp-1"), Paste: true})
	l.settle()
	if *name != "acme" || *app != "app-1" {
		t.Errorf("name %q, app %q; want acme, app-1", *name, *app)
	}
}

// A value the field refuses keeps the focus: what follows is typed there,
// without waiting for a move that will not come.
func TestTypeAheadRefusedValueKeepsTheKeys(t *testing.T) {
	var name, app string
	form := huh.NewForm(huh.NewGroup(
		huh.NewInput().Title("Name").Value(&name).Validate(func(s string) error {
			if s == "bad" {
				return huh.ErrUserAborted // any error
			}
			return nil
		}),
		huh.NewInput().Title("App").Value(&app),
	))
	m := &typeAhead{form: form}
	l := &loop{t: t, model: m}
	l.pending = append(l.pending, m.Init())
	l.settle()
	l.send(runes("bad"), enter)
	if m.waiting {
		t.Fatal("waiting for a move after a refused value")
	}
	l.send(runes("!"))
	l.settle()
	if name != "bad!" || app != "" {
		t.Errorf("name %q, app %q", name, app)
	}
}
