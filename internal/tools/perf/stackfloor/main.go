// Command stackfloor is the start-up floor that ciamctl's chosen libraries
// set: it links cobra, huh, jwx, yaml.v3, color and net/http, whose package
// initialisation runs before any main, and then only prints, like the
// hello-world baseline. perf.sh times it next to ciamctl so a start-up
// budget can be read against what the stack alone costs.
package main

import (
	"fmt"
	_ "net/http"

	_ "github.com/charmbracelet/huh"
	_ "github.com/fatih/color"
	_ "github.com/lestrrat-go/jwx/v2/jwk"
	_ "github.com/lestrrat-go/jwx/v2/jws"
	_ "github.com/spf13/cobra"
	_ "gopkg.in/yaml.v3"
)

func main() { fmt.Println("hello") }
