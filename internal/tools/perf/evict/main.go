//go:build linux

// Command evict drops files from the page cache (posix_fadvise
// POSIX_FADV_DONTNEED after flushing them), so the next run of a binary
// reads it back from disk as it would after a reboot. perf.sh uses it for
// STATE=cold; it needs no privileges, only that nothing has the files
// mapped.
package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

func main() {
	for _, path := range os.Args[1:] {
		if err := evict(path); err != nil {
			fmt.Fprintf(os.Stderr, "evict: %s: %v\n", path, err)
			os.Exit(1)
		}
	}
}

func evict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// Dirty pages are not dropped: write them back first.
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
