// Command profilegen writes synthetic CIAM user profiles as JSON Lines, in
// the shape of the testdata/brands/valid/acme mappings, for perf.sh's
// pre-flight runs: profilegen N > profiles.jsonl, or piped straight into
// `ciamctl mapping dry-run --batch -` (10 million profiles are 2.6 GB).
// One profile in a thousand shares its email with the one before it, one
// in 2,000 its mobile; the output is the same for the same N.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: profilegen N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 0 {
		fmt.Fprintln(os.Stderr, "profilegen: N must be a count")
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	for i := range n {
		email, mobile := i, i
		if i%1000 == 1 {
			email = i - 1
		}
		if i%2000 == 2 {
			mobile = i - 1
		}
		fmt.Fprintf(w, `{"sub":"%08x-4e1c-4b6a-9c3e-%012d","given_name":"Given%d","family_name":"Family%d","email_verified":true,`+
			`"contact":{"email":"User.%d@Example.com"},"https://acme.example/claims/mobile":"+44 7%03d %06d","locale":"en-GB"}`+"\n",
			i*2654435761&0xffffffff, i, i%9973, i%7919, email, mobile/1000000%1000, mobile%1000000)
	}
}
