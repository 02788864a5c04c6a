// Command alternate times short commands by running them in turn, one run of
// each per cycle, so that a machine whose speed drifts over seconds (a
// shared VM) slows every command alike; hyperfine runs each command's runs
// back to back, and a drift between two blocks reads as a difference
// between the commands. perf.sh uses it for start-up.
//
//	alternate -runs 500 -warmup 20 -ref 1,2 'CMD1' 'CMD2 ARGS' ...
//
// For each command it prints the median wall time and, against each
// reference command (-ref, 1-based), the median of the per-cycle ratios
// with their 10th and 90th percentiles, tab-separated:
//
//	command  median_ms  ratio  p10  p90  [ratio  p10  p90 ...]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 500, "timed cycles")
	warmup := flag.Int("warmup", 20, "untimed cycles first")
	refList := flag.String("ref", "1", "the commands ratios are taken against (1-based, comma-separated)")
	flag.Parse()
	cmds := flag.Args()
	var refs []int
	for _, r := range strings.Split(*refList, ",") {
		k, err := strconv.Atoi(r)
		if err != nil || k < 1 || k > len(cmds) {
			refs = nil
			break
		}
		refs = append(refs, k-1)
	}
	if len(cmds) == 0 || len(refs) == 0 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: alternate [-runs N] [-warmup N] [-ref K[,K...]] CMD...")
		os.Exit(2)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "alternate:", err)
		os.Exit(1)
	}
	times := make([][]float64, len(cmds))
	for cycle := range *warmup + *runs {
		for i, c := range cmds {
			ms, err := run(c, devnull)
			if err != nil {
				fmt.Fprintf(os.Stderr, "alternate: %s: %v\n", c, err)
				os.Exit(1)
			}
			if cycle >= *warmup {
				times[i] = append(times[i], ms)
			}
		}
	}
	for i, c := range cmds {
		fmt.Printf("%s\t%.3f", c, quantile(times[i], 0.5))
		for _, r := range refs {
			ratios := make([]float64, len(times[r]))
			for k, base := range times[r] {
				ratios[k] = times[i][k] / base
			}
			fmt.Printf("\t%.4f\t%.4f\t%.4f", quantile(ratios, 0.5), quantile(ratios, 0.1), quantile(ratios, 0.9))
		}
		fmt.Println()
	}
}

func run(command string, out *os.File) (float64, error) {
	f := strings.Fields(command)
	cmd := exec.Command(f[0], f[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err := cmd.Run()
	return float64(time.Since(start).Nanoseconds()) / 1e6, err
}

// quantile is the q-th quantile of v by linear interpolation between order
// statistics (v is not changed).
func quantile(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[lo]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}
