package tokencmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// VerifyOptions holds the dependencies and flags of `token verify`.
type VerifyOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Args    []string

	Brand       string
	JWKS        string
	Issuer      string
	Audience    string
	Leeway      time.Duration
	Now         string
	Algorithms  []string
	NoCache     bool
	Batch       string
	SummaryJSON bool
	Workers     int
	Nonce       string
	AccessToken string

	// Which brand values the flags override (set only when given).
	IssuerSet, AudienceSet, AlgorithmsSet, LeewaySet bool

	now time.Time // --now, parsed
}

// NewCmdVerify builds `token verify [TOKEN|-]`.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "verify [TOKEN|-]",
		Short: "Verify an ID token (or a batch) as the gateway would",
		Long: `Verify an OpenID Connect ID token and show every check: format, crit, type
(typ JWT or none; access and logout tokens are refused), algorithm (allow-list;
none and HS* never pass), kid (keys only from the configured JWKS; an unknown
kid refetches the set once), signature, issuer, audience (and azp), expiry,
not_before, issued_at (with --leeway) and subject (printable ASCII, at most
255 characters, no surrounding spaces).

The policy comes from a brand (--brand: its jwksUri, issuer, clientId and
algorithms) or from flags (--jwks with --issuer and --audience). Flags given
next to --brand override the brand's values. Without an expected issuer or
audience that check only reports the claim.

--nonce N also checks that the token's nonce claim is N (the nonce the
sign-in sent), and --access-token T that its at_hash, when it has one, is
the hash of T (OIDC Core 3.1.3.6): both bind the token to one sign-in, as
` + "`token fetch`" + ` does.

Fetched key sets are cached under the user cache directory ($CIAMCTL_CACHE_DIR,
else $XDG_CACHE_HOME/ciamctl/jwks or the OS default) as the server's
Cache-Control max-age and ETag allow; --no-cache always fetches.

--batch FILE (or - for stdin; a named pipe is read as a stream) verifies one
token per line (blank lines and lines starting with # are skipped) on
--workers goroutines (default one per CPU, at most 256 or 4 per CPU) with the
key set fetched once. Results come in input order, one per line: JSON Lines
with a "line" number under -o json, a compact line each under -o text. A
summary by
reason goes to stderr, or with --summary-json as a last {"summary": ...}
object on stdout.

--alg never takes none or HS* (a usage error naming it): ID tokens are
verified with the CIAM's public keys only.

Exit 0 when valid (every token, with --batch), 1 when invalid, 2 on usage
errors (including a JWKS location that is neither a URL nor a file, and a
--brand whose file has errors: such a brand is never used), 3 when
the key set cannot be had (unreachable, timed out, not a JWKS, no usable key).`,
		Example: `  # with a brand from the workspace
  ciamctl token verify --brand acme eyJhbGciOiJSUzI1NiIs...
  pbpaste | ciamctl token verify --brand acme -

  # without a brand file
  ciamctl token verify --jwks https://id.acme.example/.well-known/jwks.json \
    --issuer https://id.acme.example/ --audience acme-loyalty "$TOKEN"
  ciamctl token verify --jwks testdata/jwks.json --alg ES256 --leeway 0 "$TOKEN"

  # bound to the sign-in that produced it
  ciamctl token verify --brand acme --nonce "$NONCE" --access-token "$ACCESS_TOKEN" "$TOKEN"

  # as of a moment in time (e.g. to replay a logged token)
  ciamctl token verify --brand acme --now 2026-11-23T12:00:00Z "$TOKEN"

  # many tokens: JSON Lines on stdout, summary on stderr
  ciamctl token verify --brand acme --batch tokens.txt -o json > results.jsonl
  ciamctl token verify --brand acme --batch - --summary-json -o json < tokens.txt`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Args = args
			fl := cmd.Flags()
			opts.IssuerSet = fl.Changed("issuer")
			opts.AudienceSet = fl.Changed("audience")
			opts.AlgorithmsSet = fl.Changed("alg")
			opts.LeewaySet = fl.Changed("leeway")
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "take JWKS URI, issuer, client ID (audience) and algorithms from this brand")
	fl.StringVar(&opts.JWKS, "jwks", "", "signing keys from `URL|FILE`: a URL serves a JWK set; a file may also be one JWK, or PEM or DER keys and certificates (overrides the brand's jwksUri)")
	fl.StringVar(&opts.Issuer, "issuer", "", "expected iss, exactly (overrides the brand's issuer)")
	fl.StringVar(&opts.Audience, "audience", "", "client ID that aud must contain (overrides the brand's clientId)")
	fl.DurationVar(&opts.Leeway, "leeway", oidc.DefaultLeeway, "clock skew allowed for exp, nbf and iat (0 for none)")
	fl.StringVar(&opts.Now, "now", "", "check times as of this RFC 3339 instant instead of the clock")
	fl.StringSliceVar(&opts.Algorithms, "alg", nil, "allowed algorithms, comma separated (overrides the brand's; default RS*, PS*, ES*, EdDSA)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even when the cached copy is fresh, and do not cache it")
	fl.StringVar(&opts.Batch, "batch", "", "verify one token per line of `FILE` (- for stdin)")
	fl.BoolVar(&opts.SummaryJSON, "summary-json", false, "with --batch: print the summary as a last JSON object on stdout, not text on stderr")
	fl.StringVar(&opts.Nonce, "nonce", "", "the nonce the sign-in sent: the token's nonce claim must equal it")
	fl.StringVar(&opts.AccessToken, "access-token", "", "the access token issued with the ID token: its at_hash, when present, must match")
	fl.IntVar(&opts.Workers, "workers", 0, "with --batch: tokens verified in parallel (default: the number of CPUs; at most 256, or 4 per CPU when more)")
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(oidc.DefaultAlgorithms, cobra.ShellCompDirectiveNoFileComp))
	// --batch may verify for minutes: --timeout bounds the key set's load and
	// refetch through the network budget, never the verification itself.
	return cmdutil.OwnDeadline(cmd)
}

// validate checks flag combinations; every failure is a usage error.
func (o *VerifyOptions) validate() error {
	switch {
	case o.Brand == "" && o.JWKS == "":
		return cmdutil.WithHint(cmdutil.FlagErrorf("no keys to verify with: pass --brand NAME or --jwks URL|FILE"),
			"e.g. ciamctl token verify --jwks https://id.example/.well-known/jwks.json --issuer https://id.example/ --audience CLIENT_ID TOKEN")
	case o.Batch != "" && len(o.Args) > 0:
		return cmdutil.FlagErrorf("--batch reads the tokens from %s; do not also pass a token argument", o.Batch)
	case o.Batch == "" && o.SummaryJSON:
		return cmdutil.FlagErrorf("--summary-json only applies with --batch")
	case o.Batch != "" && (o.Nonce != "" || o.AccessToken != ""):
		return cmdutil.FlagErrorf("--nonce and --access-token bind one token to its sign-in; they do not apply with --batch")
	case o.Batch != "" && o.Factory.Globals.Output == cmdutil.FormatYAML:
		return cmdutil.FlagErrorf("--batch writes JSON Lines or text; use -o json or -o text")
	case o.Workers < 0:
		return cmdutil.FlagErrorf("--workers: must be at least 1 (or 0 for one per CPU)")
	case o.Workers > oidc.MaxWorkers():
		return cmdutil.FlagErrorf("--workers: %d is too many; at most %d (verification is CPU-bound: workers beyond the %d CPUs add memory, not speed)",
			o.Workers, oidc.MaxWorkers(), runtime.NumCPU())
	case o.Leeway < 0:
		return cmdutil.FlagErrorf("--leeway: must not be negative (use 0 for no leeway)")
	}
	if err := validateAlgorithms(o.Algorithms, o.AlgorithmsSet); err != nil {
		return err
	}
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Now != "" {
		t, err := time.Parse(time.RFC3339, o.Now)
		if err != nil {
			return cmdutil.FlagErrorf("--now: %q is not an RFC 3339 time, e.g. 2026-11-23T12:00:00Z", o.Now)
		}
		o.now = t
	}
	return nil
}

// validateAlgorithms refuses an --alg list the policy would not keep as
// given: none and HS* (which the verifier would drop, leaving an empty
// allow-list that refuses every token), unknown names, and an empty list
// (which would silently mean the default). The messages are brand add's.
func validateAlgorithms(algs []string, set bool) error {
	if set && len(algs) == 0 {
		return cmdutil.FlagErrorf("--alg: no algorithm given; name one or more, e.g. --alg RS256,ES256 (or leave --alg out for the default)")
	}
	for _, a := range algs {
		if err := brand.ValidateAlgorithm(a); err != nil {
			return cmdutil.FlagErrorf("--alg: %v", err)
		}
	}
	return nil
}

func verifyRun(o *VerifyOptions) error {
	f := o.Factory
	var tok string
	var tooLarge *cmdutil.TokenTooLargeError
	if o.Batch == "" {
		var err error
		if tok, err = f.ReadToken(o.Args); err != nil && !errors.As(err, &tooLarge) {
			return err
		}
	}
	v, src, err := o.verifier()
	if err != nil {
		return err
	}
	if o.Batch != "" {
		return o.runBatch(v, src)
	}

	var res oidc.Result
	if tooLarge != nil {
		res = oidc.Oversized(tooLarge.Size)
	} else {
		stop := f.IOStreams.StartProgress("Verifying the token")
		res = v.Verify(o.Ctx, tok)
		stop()
	}
	if f.Globals.Output != cmdutil.FormatText {
		err = cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, res)
	} else {
		err = writeResult(f.IOStreams.Out, f.IOStreams.ColorScheme(), res)
	}
	if err != nil {
		return err
	}
	switch {
	case res.Valid:
		return nil
	case res.Reason == oidc.ReasonJWKSUnavailable:
		return src.failure(res.Error)
	}
	return cmdutil.ErrFailed
}

// verifier builds the policy from the brand and the flags, keys from the
// JWKS location, and a source that remembers why the keys could not be had.
func (o *VerifyOptions) verifier() (*oidc.Verifier, *recordingSource, error) {
	f := o.Factory
	var p oidc.Policy
	location := o.JWKS
	if o.Brand != "" {
		res, err := f.UsableBrand(o.Brand)
		if err != nil {
			return nil, nil, err
		}
		cfg := res.Config
		p = cmdutil.BrandPolicy(cfg)
		if location == "" {
			location = cfg.CIAM.JWKSURI
		}
	}
	if o.IssuerSet {
		p.Issuer = o.Issuer
	}
	if o.AudienceSet {
		p.Audience = o.Audience
	}
	if o.AlgorithmsSet {
		p.Algorithms = o.Algorithms
	}
	if o.LeewaySet {
		p.Leeway = o.Leeway
		if o.Leeway == 0 {
			p.Leeway = -1 // oidc: 0 means the default, negative means none
		}
	}
	p.Now = f.Now
	p.Nonce, p.AccessToken = o.Nonce, o.AccessToken
	if !o.now.IsZero() {
		fixed := o.now
		p.Now = func() time.Time { return fixed }
	}
	src := &recordingSource{KeySource: oidc.NewFetcherSource(f.JWKSFetcher(o.NoCache), location), location: location}
	v, err := oidc.NewVerifier(p, src)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "oidc: ")
		if o.AlgorithmsSet {
			return nil, nil, cmdutil.FlagErrorf("--alg: %s", msg)
		}
		return nil, nil, fmt.Errorf("brand %q: %s", o.Brand, msg)
	}
	return v, src, nil
}

// recordingSource keeps the last error of the key source, so a result with
// reason jwks_unavailable can end with that error's exit code (3, or 2 for
// a location that is not a URL or file).
type recordingSource struct {
	oidc.KeySource
	location string

	mu  sync.Mutex
	err error
}

func (s *recordingSource) Set(ctx context.Context) (*jwks.Set, error) {
	set, err := s.KeySource.Set(ctx)
	s.record(err)
	return set, err
}

func (s *recordingSource) Refresh(ctx context.Context) (*jwks.Set, error) {
	set, err := s.KeySource.Refresh(ctx)
	s.record(err)
	return set, err
}

func (s *recordingSource) record(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

// failure is the error that ends a run whose keys could not be had.
func (s *recordingSource) failure(detail string) error {
	s.mu.Lock()
	err := s.err
	s.mu.Unlock()
	if err == nil {
		err = fmt.Errorf("%s: %w", detail, jwks.ErrUnavailable)
	}
	return jwksHint(err, s.location)
}

func jwksHint(err error, location string) error {
	switch {
	case errors.Is(err, jwks.ErrBadLocation):
		return cmdutil.WithHint(err, "--jwks takes an http(s) URL or a file path")
	case errors.Is(err, jwks.ErrNoUsableKeys), errors.Is(err, jwks.ErrNotJWKS):
		return cmdutil.WithHint(err, "run `ciamctl jwks inspect %s` to see why", location)
	case !strings.Contains(location, "://"):
		return cmdutil.WithHint(err, "check the path of the key set file")
	}
	return cmdutil.WithHint(err, "check that the JWKS is reachable (see --timeout), or pass a saved copy with --jwks FILE")
}

// writeResult prints one line per check and a verdict. Check details quote
// the token's values, but pass through iostreams.SafeText anyway: nothing
// from a token reaches the terminal unescaped.
func writeResult(w io.Writer, cs *iostreams.ColorScheme, res oidc.Result) error {
	var b strings.Builder
	width := 0
	for _, c := range res.Checks {
		width = max(width, len(c.Name))
	}
	for _, c := range res.Checks {
		icon := cs.SuccessIcon()
		if !c.OK {
			icon = cs.FailureIcon()
		}
		fmt.Fprintf(&b, "%s %-*s  %s\n", icon, width, c.Name, iostreams.SafeText(c.Detail))
	}
	if res.Valid {
		fmt.Fprintf(&b, "\n%s %s", cs.SuccessIcon(), cs.Bold("Valid ID token"))
		if sub := subject(res); sub != "" {
			fmt.Fprintf(&b, " for sub %s", sub)
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(&b, "\n%s %s (%s): %s\n", cs.FailureIcon(), cs.Bold("Invalid ID token"), res.Reason, iostreams.SafeText(res.Error))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// subject is the sub the subject check accepted, quoted and shortened for
// display; "" when there is none. It is never decoded again from the
// claims, where another member (a case-insensitive "SUB") could stand in.
func subject(res oidc.Result) string {
	s := res.Subject
	if s == "" {
		return ""
	}
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64]) + "…"
	}
	return strconv.Quote(s)
}
