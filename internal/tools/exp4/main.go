package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/ciamctl/ciamctl/internal/cli"
)

func main() {
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	os.Args = []string{"ciamctl", "version"}
	cli.Main()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(os.Stderr, "init: alloc %d KB (%d objs); main: alloc %d KB (%d objs); heapSys %d KB numGC %d\n",
		m0.TotalAlloc>>10, m0.Mallocs, (m.TotalAlloc-m0.TotalAlloc)>>10, m.Mallocs-m0.Mallocs, m.HeapSys>>10, m.NumGC)
}
