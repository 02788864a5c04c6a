package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -gzip leaves only NAME.1.gz pages, each a man page, byte for byte the
// same on every run (reproducible packages).
func TestGzippedManPages(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		if err := run("", d, true); err != nil {
			t.Fatal(err)
		}
	}
	if plain, _ := filepath.Glob(filepath.Join(dirs[0], "*.1")); len(plain) > 0 {
		t.Errorf("uncompressed pages left: %v", plain)
	}
	pages, _ := filepath.Glob(filepath.Join(dirs[0], "*.1.gz"))
	if len(pages) < 10 {
		t.Fatalf("only %d gzipped pages", len(pages))
	}
	for _, p := range pages {
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(dirs[1], filepath.Base(p)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs (%v)", filepath.Base(p), err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(a))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		page, err := io.ReadAll(zr)
		if err != nil || !strings.Contains(string(page), `.TH "CIAMCTL"`) {
			t.Errorf("%s: not a man page (%v)", filepath.Base(p), err)
		}
		if zr.Header.Name != "" || !zr.Header.ModTime.IsZero() {
			t.Errorf("%s: gzip header carries %q %v", filepath.Base(p), zr.Header.Name, zr.Header.ModTime)
		}
	}
}
