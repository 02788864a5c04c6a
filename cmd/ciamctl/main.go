// Command ciamctl connects a brand's CIAM to the loyalty platform's API gateway.
package main

import (
	"os"

	"github.com/ciamctl/ciamctl/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
