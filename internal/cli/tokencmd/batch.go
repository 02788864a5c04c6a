package tokencmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// runBatch verifies --batch input line by line. Nothing is slurped: the
// input streams through oidc.VerifyBatch and each result is written as soon
// as it is next in input order.
func (o *VerifyOptions) runBatch(v *oidc.Verifier, src *recordingSource) error {
	f := o.Factory
	in, closeIn, err := o.openBatch()
	if err != nil {
		return err
	}
	defer closeIn()

	// Results reach the output within flushEvery, without a write call each.
	out := newTimedWriter(f.IOStreams.Out)
	defer out.Close()
	jsonLines := f.Globals.Output == cmdutil.FormatJSON
	cs := f.IOStreams.ColorScheme()
	quiet := f.IOStreams.Quiet() // -q, in text: the invalid tokens only
	emit := func(line int, res oidc.Result) error {
		var b []byte
		switch {
		case quiet && !jsonLines && res.Valid:
			return nil
		case jsonLines:
			var err error
			if b, err = oidc.MarshalLine(line, res); err != nil {
				return err
			}
			// DEL, C1 and bidi stay raw in encoding/json's output.
			b = append(iostreams.SafeJSON(b), '\n')
		default:
			b = []byte(compactLine(cs, line, res))
		}
		_, err := out.Write(b)
		return err
	}
	sum, err := v.VerifyBatch(o.Ctx, in, o.Workers, emit)
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

// openBatch opens --batch: stdin for "-", else a regular file or a named
// pipe (streaming tokens through one, or through <(cmd), is what --batch is
// for; opening it waits for the writer, as cat does). No size cap: the
// batch is streamed. A directory or a device is refused before opening.
func (o *VerifyOptions) openBatch() (io.Reader, func(), error) {
	o.Factory.ListenForInterrupts() // a batch may wait on its writer and runs long
	if o.Batch == "-" {
		return o.Factory.IOStreams.In, func() {}, nil
	}
	file, err := safefile.OpenStream(o.Batch)
	var skipped *safefile.SkipError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, cmdutil.FlagErrorf("--batch %s: no such file", o.Batch)
	case errors.As(err, &skipped):
		return nil, nil, cmdutil.FlagErrorf("--batch %s; pass a file with one token per line, or - for stdin", skipped)
	case err != nil:
		return nil, nil, workspace.IOError("read", o.Batch, err)
	}
	return file, func() { file.Close() }, nil
}

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
