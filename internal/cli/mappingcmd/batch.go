package mappingcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/mapping"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/preflight"
)

// workingMemory is what a batch adds besides the collision index and its
// workers' chunks: the key set, buffers, garbage between collections.
const workingMemory = 40 << 20

// batchLine is one result of `mapping dry-run --batch -o json`.
type batchLine struct {
	Line     int               `json:"line"`
	OK       bool              `json:"ok"`
	Profile  mapping.Profile   `json:"profile"`
	Problems []mapping.Problem `json:"problems"`
}

// runBatch maps --batch line by line: results stream to stdout in input
// order while the collision index fills, then the summary follows.
func (o *DryRunOptions) runBatch(cfg *brand.Config) error {
	f := o.Factory
	// Ctrl-C (or SIGTERM) stops the batch cleanly, so the spill files are
	// removed, and ends it as "interrupted" (exit 130) like any command;
	// only a batch listens, as a single dry run ends at once.
	ctx := o.Ctx
	if !f.Interrupts.WindDown() {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(o.Ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}

	in, err := f.OpenBatch(o.Batch, "one claims object (JSON) per line, or one ID token per line with --tokens")
	if err != nil {
		return err
	}
	defer in.Close()

	opts := preflight.Options{
		Mapper:  mapping.NewMapper(cfg.Mappings.AsMap(), accountID(cfg)),
		Index:   preflight.NewIndex(o.MaxMemory, ""),
		Tokens:  o.Tokens,
		Workers: o.Workers,
	}
	defer opts.Index.Close()
	var src *keySource
	if o.Tokens && !o.NoVerify {
		v, ks, err := batchVerifier(f, cfg, o.NoCache)
		if err != nil {
			return err
		}
		src = ks
		stopSpin := f.IOStreams.StartProgress("Fetching the key set")
		sess, err := v.Session(ctx)
		stopSpin()
		if err != nil {
			return cmdutil.WithHint(fmt.Errorf("%w: cannot verify the tokens: %v", jwks.ErrUnavailable, err),
				"check the brand's jwksUri (%s) and the network; `ciamctl jwks inspect %s` shows what it serves", cfg.CIAM.JWKSURI, cfg.CIAM.JWKSURI)
		}
		opts.Verify = sess.Verify
	}

	// The index holds up to --max-memory of records the garbage collector
	// never scans; the default pacing would still let garbage grow the
	// heap to twice the index. A soft limit of the budget plus the
	// pipeline's working memory keeps the process near --max-memory.
	workers := o.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	defer cmdutil.BatchGC(o.MaxMemory + workingMemory + int64(workers)<<20)()

	out := cmdutil.NewTimedWriter(f.IOStreams.Out)
	defer out.Close()
	opts.Write = func(p []byte) error { _, err := out.Write(p); return err }
	if f.Globals.Output == cmdutil.FormatJSON {
		opts.Encode = encodeJSONLine
	} else {
		cs := f.IOStreams.ColorScheme()
		opts.Encode = func(buf []byte, line int, r *mapping.Result) []byte { return appendTextLine(buf, cs, line, r) }
	}
	noun := "profiles"
	if o.Tokens {
		noun = "tokens"
	}
	progress := f.IOStreams.StartBatchProgress(noun, in.Size)
	opts.Progress = progress.Update
	opts.Merging = func() { progress.Note("finding collisions") }

	sum, err := preflight.Run(ctx, in, opts)
	progress.Stop()
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		if ctx.Err() != nil && o.Ctx.Err() == nil {
			return cmdutil.ErrCancelled
		}
		return err
	}
	if o.SummaryJSON {
		b, err := json.Marshal(map[string]preflight.Summary{"summary": sum})
		if err != nil {
			return err
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return err
		}
	} else {
		writeBatchSummary(f.IOStreams.ErrOut, f.IOStreams.ErrColorScheme(), noun, sum)
	}
	if err := out.Close(); err != nil {
		return err
	}
	switch {
	case sum.KeysUnavailable > 0:
		return src.failure()
	case sum.Failed > 0 || collided(sum.Collisions):
		return cmdutil.ErrFailed
	}
	return nil
}

func accountID(cfg *brand.Config) string {
	if cfg.Channel != nil {
		return cfg.Channel.AccountID
	}
	return ""
}

// keySource remembers why the key set could not be refetched mid-batch,
// so the run ends with that error's exit code (3).
type keySource struct {
	oidc.KeySource
	location string
	err      error
}

func (s *keySource) Refresh(ctx context.Context) (*jwks.Set, error) {
	set, err := s.KeySource.Refresh(ctx)
	if err != nil {
		s.err = err // the key state refreshes once, under its lock
	}
	return set, err
}

func (s *keySource) failure() error {
	err := s.err
	if err == nil {
		err = jwks.ErrUnavailable
	}
	return cmdutil.WithHint(fmt.Errorf("some tokens were not verified: the key set could not be refetched: %w", err),
		"check that %s is reachable (see --timeout)", s.location)
}

// batchVerifier is BrandVerifier with a source that keeps refetch errors.
func batchVerifier(f *cmdutil.Factory, cfg *brand.Config, noCache bool) (*oidc.Verifier, *keySource, error) {
	p := cmdutil.BrandPolicy(cfg)
	p.Now = f.Now
	src := &keySource{KeySource: oidc.NewFetcherSource(f.JWKSFetcher(noCache), cfg.CIAM.JWKSURI), location: cfg.CIAM.JWKSURI}
	v, err := oidc.NewVerifier(p, src)
	if err != nil {
		return nil, nil, fmt.Errorf("brand %q: %w", cfg.Brand, err)
	}
	return v, src, nil
}

// encodeJSONLine appends one JSON Lines result; DEL, C1 controls and
// bidi controls, which encoding/json leaves raw, are escaped.
func encodeJSONLine(buf []byte, line int, r *mapping.Result) []byte {
	start := len(buf)
	buf = mapping.AppendLineJSON(buf, line, r)
	if safe := iostreams.SafeJSON(buf[start:]); len(safe) != len(buf)-start {
		buf = append(buf[:start], safe...)
	}
	return append(buf, '\n')
}

// configCode is true for the warnings that come from the brand's mappings
// rather than the profile: the same on every line, so the text lines leave
// them to the summary.
func configCode(code string) bool {
	switch code {
	case mapping.CodeNotMapped, mapping.CodeUnknownField, mapping.CodeInvalidRef, mapping.CodeNoAccountID:
		return true
	}
	return false
}

// appendTextLine is one result for people: the cuid when the customer
// can be created (and the profile's own warnings), else the first error.
func appendTextLine(buf []byte, cs *iostreams.ColorScheme, line int, r *mapping.Result) []byte {
	var b strings.Builder
	if r.OK {
		fmt.Fprintf(&b, "%s line %d: cuid %s", cs.SuccessIcon(), line, strconv.Quote(iostreams.SafeText(r.Profile.CUID())))
		var warn []string
		for _, p := range r.Problems {
			if !configCode(p.Code) {
				warn = append(warn, iostreams.SafeText(p.Field)+" "+p.Code)
			}
		}
		if len(warn) > 0 {
			b.WriteString(cs.Yellow(" (" + strings.Join(warn, ", ") + ")"))
		}
	} else {
		for _, p := range r.Problems {
			if p.Severity == mapping.SeverityError {
				fmt.Fprintf(&b, "%s line %d: %s: %s", cs.FailureIcon(), line, p.Code, iostreams.SafeText(p.Message))
				break
			}
		}
	}
	b.WriteByte('\n')
	return append(buf, b.String()...)
}

func collided(c preflight.Collisions) bool {
	return c.Email.Identifiers+c.Mobile.Identifiers+c.CUID.Identifiers > 0
}

// codeOrder lists problem codes in the order the summary shows them: the
// mapping's, then any other, sorted.
var codeOrder = []string{
	mapping.CodeInvalidToken, mapping.CodeInvalidClaims, mapping.CodeMissingSub, mapping.CodeNoContactIdent,
	mapping.CodeInvalidEmail, mapping.CodeInvalidMobile, mapping.CodeMissingClaim, mapping.CodeNotString, mapping.CodeEmptyValue,
	mapping.CodeNotMapped, mapping.CodeInvalidRef, mapping.CodeUnknownField, mapping.CodeNoAccountID,
}

func countsText(counts map[string]int64) string {
	var parts []string
	seen := map[string]bool{}
	for _, c := range codeOrder {
		seen[c] = true
		if n := counts[c]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, n))
		}
	}
	for _, c := range slices.Sorted(maps.Keys(counts)) {
		if !seen[c] && counts[c] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, counts[c]))
		}
	}
	return strings.Join(parts, ", ")
}

// writeBatchSummary prints the totals, the problems by code and the
// collisions with the lines to look at.
func writeBatchSummary(w io.Writer, cs *iostreams.ColorScheme, noun string, sum preflight.Summary) {
	var b strings.Builder
	icon := cs.SuccessIcon()
	if sum.Failed > 0 || collided(sum.Collisions) {
		icon = cs.FailureIcon()
	}
	if noun == "profiles" && sum.Total == 1 {
		noun = "profile"
	} else if sum.Total == 1 {
		noun = "token"
	}
	fmt.Fprintf(&b, "%s %d %s: %d can be created, %d cannot", icon, sum.Total, noun, sum.OK, sum.Failed)
	if t := countsText(sum.ByProblem); t != "" {
		fmt.Fprintf(&b, " (%s)", t)
	}
	b.WriteString("\n")
	if t := countsText(sum.Warnings); t != "" {
		fmt.Fprintf(&b, "  warnings: %s\n", t)
	}
	c := sum.Collisions
	if !collided(c) {
		b.WriteString("  no collisions: every email, mobile and sub belongs to one profile\n")
	}
	for _, k := range []struct {
		name string
		kc   preflight.KindCollisions
	}{{"email", c.Email}, {"mobile", c.Mobile}} {
		if k.kc.Identifiers == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s %d %s shared by %d users: the users of each would merge into one platform customer\n", cs.Yellow("merge:"),
			k.kc.Identifiers, cmdutil.Plural(int(k.kc.Identifiers), k.name), k.kc.Profiles)
		writeGroups(&b, "users", k.kc)
	}
	if c.CUID.Identifiers > 0 {
		fmt.Fprintf(&b, "  %s %d %s on %d lines: one platform customer each, which the later lines would update\n", cs.Yellow("duplicate:"),
			c.CUID.Identifiers, cmdutil.Plural(int(c.CUID.Identifiers), "sub"), c.CUID.Profiles)
		writeGroups(&b, "lines", c.CUID)
	}
	if sum.Spilled > 0 {
		fmt.Fprintf(&b, "  %s\n", cs.Gray(fmt.Sprintf("(the collision index outgrew --max-memory: %d identifiers went through sorted runs on disk)", sum.Spilled)))
	}
	io.WriteString(w, b.String())
}

func writeGroups(b *strings.Builder, holders string, kc preflight.KindCollisions) {
	for _, g := range kc.Groups {
		lines := make([]string, len(g.Lines))
		for i, l := range g.Lines {
			lines[i] = strconv.FormatInt(l, 10)
		}
		more := ""
		if g.Count > int64(len(g.Lines)) {
			more = ", …"
		}
		fmt.Fprintf(b, "    lines %s%s (%d %s)\n", strings.Join(lines, ", "), more, g.Count, holders)
	}
	if rest := kc.Identifiers - int64(len(kc.Groups)); rest > 0 {
		fmt.Fprintf(b, "    … and %d more (the first %d in input order are listed)\n", rest, len(kc.Groups))
	}
}
