package tokencmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// runBatch verifies --batch input line by line. Nothing is slurped: the
// input streams through oidc.VerifyBatch and each result is written as soon
// as it is next in input order.
func (o *VerifyOptions) runBatch(v *oidc.Verifier, src *recordingSource) error {
	f := o.Factory
	in, err := f.OpenBatch(o.Batch, "one token per line")
	if err != nil {
		return err
	}
	defer in.Close()

	// Memory stays flat and under 32 MiB: the key set, the chunks in flight
	// (up to 6 of 64 KiB per worker) and their output.
	defer cmdutil.BatchGC(batchHeapLimit + int64(o.Workers)<<19)()

	// Results reach the output within FlushEvery, without a write call each.
	out := cmdutil.NewTimedWriter(f.IOStreams.Out)
	defer out.Close()
	jsonLines := f.Globals.Output == cmdutil.FormatJSON
	cs := f.IOStreams.ColorScheme()
	quiet := f.IOStreams.Quiet() // -q, in text: the invalid tokens only
	// Each result is formatted on the worker that verified it.
	encode := func(dst []byte, line int, res *oidc.Result) []byte {
		if !jsonLines {
			if quiet && res.Valid {
				return dst
			}
			return append(dst, compactLine(cs, line, *res)...)
		}
		start := len(dst)
		dst = oidc.AppendLine(dst, line, res)
		// DEL, C1 and bidi stay raw in encoding/json's output.
		if safe := iostreams.SafeJSON(dst[start:]); len(safe) != len(dst)-start {
			dst = append(dst[:start], safe...)
		}
		return append(dst, '\n')
	}
	progress := f.IOStreams.StartBatchProgress("tokens", in.Size)
	var done int
	write := func(p []byte) error {
		done += bytes.Count(p, []byte{'\n'})
		progress.Update(done, in.Consumed())
		_, err := out.Write(p)
		return err
	}
	sum, err := v.VerifyBatchTo(o.Ctx, in, o.Workers, encode, write)
	progress.Stop()
	if err != nil {
		if ferr := out.Flush(); ferr != nil {
			return ferr
		}
		if errors.Is(err, oidc.ErrUnavailable) {
			return jwksHint(err, src.location)
		}
		return err
	}

	if o.SummaryJSON {
		b, err := json.Marshal(map[string]oidc.Summary{"summary": sum})
		if err != nil {
			return err
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return err
		}
	} else {
		// The results first, so stdout and stderr on one terminal read in order.
		if err := out.Flush(); err != nil {
			return err
		}
		if !quiet || sum.Invalid > 0 {
			writeSummary(f.IOStreams.ErrOut, f.IOStreams.ErrColorScheme(), sum)
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	switch {
	case sum.ByReason[oidc.ReasonJWKSUnavailable] > 0:
		return src.failure("the key set could not be refetched")
	case sum.Invalid > 0:
		return cmdutil.ErrFailed
	}
	return nil
}

// batchHeapLimit is what a batch may add to the process's memory besides
// its workers' chunks.
const batchHeapLimit = 16 << 20

// compactLine is one batch result in text form.
func compactLine(cs *iostreams.ColorScheme, line int, res oidc.Result) string {
	if res.Valid {
		s := fmt.Sprintf("%s line %d: valid", cs.SuccessIcon(), line)
		if sub := subject(res); sub != "" {
			s += ", sub " + sub
		}
		return s + "\n"
	}
	return fmt.Sprintf("%s line %d: %s: %s\n", cs.FailureIcon(), line, res.Reason, iostreams.SafeText(res.Error))
}

// writeSummary prints the batch totals and the invalid tokens by reason,
// reasons in check order.
func writeSummary(w io.Writer, cs *iostreams.ColorScheme, sum oidc.Summary) {
	icon := cs.SuccessIcon()
	if sum.Invalid > 0 {
		icon = cs.FailureIcon()
	}
	msg := fmt.Sprintf("%s %d %s: %d valid, %d invalid", icon, sum.Total, cmdutil.Plural(sum.Total, "token"), sum.Valid, sum.Invalid)
	var parts []string
	seen := map[string]bool{}
	for _, r := range oidc.Reasons {
		seen[r] = true
		if n := sum.ByReason[r]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
		}
	}
	for _, r := range slices.Sorted(maps.Keys(sum.ByReason)) { // a reason this build does not list
		if n := sum.ByReason[r]; !seen[r] && n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
		}
	}
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintln(w, msg)
}
