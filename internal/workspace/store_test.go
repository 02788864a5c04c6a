package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/atomicfile"
)

func TestResolveOrder(t *testing.T) {
	env := map[string]string{EnvDir: "/from/env"}
	get := func(k string) string { return env[k] }
	if d := Resolve("/from/flag", get).Dir; d != "/from/flag" {
		t.Errorf("flag: %s", d)
	}
	if d := Resolve("", get).Dir; d != "/from/env" {
		t.Errorf("env: %s", d)
	}
	if d := Resolve("", func(string) string { return "" }).Dir; d != DefaultDir {
		t.Errorf("default: %s", d)
	}
}

func TestSaveOutcomes(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "new", "ws")}
	ctx := context.Background()
	steps := []struct {
		data  string
		force bool
		want  Outcome
		err   error
	}{
		{"a", false, Created, nil},
		{"a", false, Unchanged, nil},
		{"b", false, 0, ErrExists},
		{"b", true, Replaced, nil},
	}
	for i, st := range steps {
		got, err := s.Save(ctx, "acme", []byte(st.data), st.force)
		if !errors.Is(err, st.err) || (err == nil && got != st.want) {
			t.Fatalf("step %d: got %v %v, want %v %v", i, got, err, st.want, st.err)
		}
	}
	data, _ := os.ReadFile(s.Path("acme"))
	if string(data) != "b" {
		t.Fatalf("content %q", data)
	}
}

func TestLeftoverTempFilesAreIgnoredAndCleaned(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	ctx := context.Background()
	if _, err := s.Save(ctx, "acme", []byte("brand: acme\n"), false); err != nil {
		t.Fatal(err)
	}
	// What a writer killed before its rename leaves behind.
	stale := filepath.Join(s.Dir, atomicfile.TempPrefix+"acme.yaml-123")
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := s.Files()
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v %v", files, err)
	}
	if _, err := s.Save(ctx, "other", []byte("brand: other\n"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("stale temp file not cleaned")
	}
}

func TestUnwritableWorkspaceIsIOError(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A workspace below a regular file cannot be created, even by root.
	s := &Store{Dir: filepath.Join(file, "ws")}
	if _, err := s.Save(context.Background(), "acme", []byte("x"), false); !errors.Is(err, ErrIO) {
		t.Fatalf("got %v, want ErrIO", err)
	}
}

func TestLockSerialisesWriters(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	release, err := s.lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Save(context.Background(), "acme", []byte("x"), false)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Save ran while the lock was held: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLockTimeout(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	release, err := s.lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	old := lockWait
	lockWait = 30 * time.Millisecond
	defer func() { lockWait = old }()
	if _, err := s.Save(context.Background(), "acme", []byte("x"), false); !errors.Is(err, ErrIO) {
		t.Fatalf("got %v, want ErrIO (locked)", err)
	}
}

func TestRemove(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	ctx := context.Background()
	if err := s.Remove(ctx, "acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	s.Save(ctx, "acme", []byte("x"), false)
	if err := s.Remove(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after remove: %v", err)
	}
}
