// GOMAXPROCS is still sized to the container's CPU limit at start-up; only
// the runtime's background re-check of that limit is off. Its goroutine
// costs an OS thread (about 0.4 ms of every start on the development VM),
// and a run of ciamctl is far shorter than a limit change is likely.
//
//go:debug updatemaxprocs=0

// Command ciamctl connects a brand's CIAM to the loyalty platform's API gateway.
package main

import (
	"os"

	"github.com/ciamctl/ciamctl/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
