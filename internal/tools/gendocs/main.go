// Command gendocs writes ciamctl's shell completion scripts and man pages.
// The release build runs it in its before hook; the completions it writes
// are also committed under completions/ and a test keeps them current.
//
//	go run ./internal/tools/gendocs -completions completions -man manpages
package main

import (
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
	flag.Parse()
	if err := run(*compDir, *manDir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(compDir, manDir string) error {
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
	if manDir != "" {
		if err := os.MkdirAll(manDir, 0o755); err != nil {
			return err
		}
		root := cli.NewRootForDocs()
		root.DisableAutoGenTag = true // keeps pages reproducible
		return doc.GenManTree(root, &doc.GenManHeader{Title: "CIAMCTL", Section: "1", Source: "ciamctl"}, manDir)
	}
	return nil
}
