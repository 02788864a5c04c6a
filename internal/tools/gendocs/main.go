// Command gendocs writes ciamctl's shell completion scripts and man pages.
// The release build runs it in its before hook; the completions it writes
// are also committed under completions/ and a test keeps them current.
//
//	go run ./internal/tools/gendocs -completions completions -man manpages [-gzip]
//
// -gzip writes the man pages gzipped (NAME.1.gz), as Debian policy and the
// rpm conventions install them; the output is reproducible (no name or
// time in the gzip header).
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra/doc"

	"github.com/ciamctl/ciamctl/internal/cli"
	"github.com/ciamctl/ciamctl/internal/cli/completioncmd"
)

func main() {
	compDir := flag.String("completions", "completions", "directory for completion scripts (empty: skip)")
	manDir := flag.String("man", "", "directory for man pages (empty: skip)")
	gz := flag.Bool("gzip", false, "gzip the man pages (NAME.1.gz)")
	flag.Parse()
	if err := run(*compDir, *manDir, *gz); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(compDir, manDir string, gz bool) error {
	if compDir != "" {
		if err := os.MkdirAll(compDir, 0o755); err != nil {
			return err
		}
		for _, shell := range completioncmd.Shells {
			f, err := os.Create(filepath.Join(compDir, completioncmd.FileName(shell)))
			if err != nil {
				return err
			}
			if err := completioncmd.Generate(cli.NewRootForDocs(), shell, f); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
	}
	if manDir == "" {
		return nil
	}
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		return err
	}
	root := cli.NewRootForDocs()
	root.DisableAutoGenTag = true // keeps pages reproducible
	if err := doc.GenManTree(root, &doc.GenManHeader{Title: "CIAMCTL", Section: "1", Source: "ciamctl"}, manDir); err != nil {
		return err
	}
	if gz {
		return gzipPages(manDir)
	}
	return nil
}

// gzipPages replaces every NAME.1 in dir with NAME.1.gz.
func gzipPages(dir string) error {
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return err
		}
		// The header's Name and ModTime stay empty: the same page gives the
		// same bytes on every build.
		if _, err := zw.Write(data); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(p+".gz", buf.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
