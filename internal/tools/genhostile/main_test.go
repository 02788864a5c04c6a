package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed suite is exactly what the generator writes for the
// committed keys: nothing was edited by hand, nothing is stale, and the
// output is deterministic.
func TestCommittedSuiteIsUpToDate(t *testing.T) {
	committed := filepath.Join("..", "..", "..", "testdata", "hostile")
	tmp := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tmp, "keys"), 0o755); err != nil {
		t.Fatal(err)
	}
	keyFiles, err := filepath.Glob(filepath.Join(committed, "keys", "*.private.jwk.json"))
	if err != nil || len(keyFiles) != len(testKeys) {
		t.Fatalf("want %d committed keys, found %v (%v)", len(testKeys), keyFiles, err)
	}
	for _, f := range keyFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "keys", filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run(tmp, false); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, s := range keySets {
		files = append(files, filepath.Join("jwks", s.file))
	}
	files = append(files, "cases.json")
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(committed, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(tmp, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/hostile/%s differs from the generator's output; run go run ./internal/tools/genhostile", f)
		}
	}
}
