package mappingcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/mapping"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/preflight"
)

// DryRunOptions holds the dependencies and flags of `mapping dry-run`.
type DryRunOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Brand      string
	Args       []string
	ClaimsFile string
	NoVerify   bool
	NoCache    bool

	// --batch: many profiles or tokens, one per line.
	Batch       string
	Tokens      bool
	SummaryJSON bool
	MaxMemory   int64
	Workers     int
	maxMemory   string
}

// NewCmdDryRun builds `mapping dry-run`.
func NewCmdDryRun(f *cmdutil.Factory, runF func(*DryRunOptions) error) *cobra.Command {
	opts := &DryRunOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "dry-run --brand NAME [TOKEN | - | --claims FILE | --batch FILE]",
		Short: "Show the customer profile and the exact platform request an ID token produces",
		Long: `Map an ID token's claims the way the gateway does and print the customer
profile, the exact POST /v2/customers body and the problems to fix. Nothing is
sent to the platform.

The token is verified first with the brand's policy (signature against its
jwksUri, issuer, client ID as audience, expiry, algorithms); --no-verify maps it
without checking. --claims FILE (or - for stdin) maps a JSON object of claims
instead of a token, to try mappings before the CIAM sends them.

Each mapping is a claim name taken literally (dots and URLs included) or, when
it starts with "/", a JSON Pointer into the claims. Values are trimmed, emails
lower-cased and checked, mobiles reduced to digits with country code.

--claims FILE must be a regular file of at most 1 MiB (a link to one is
followed); stdin is capped the same way.

--batch FILE (or - for stdin; a named pipe is read as a stream) is the
pre-flight of a whole user base: one claims object per line (JSON Lines, an
export of the CIAM's user profiles in the shape an ID token carries), or one
ID token per line with --tokens (verified with the brand's policy, the key
set fetched once, unless --no-verify). Blank lines and lines starting with #
are skipped. One result per line comes out in input order, as it is decided:
{"line", "ok", "profile", "problems"} under -o json, a compact line under
-o text. Then a summary (stderr, or with --summary-json a last
{"summary": ...} object on stdout): how many profiles the gateway can
create, the failures and warnings by problem code, and the collisions:
emails and mobiles held by more than one sub (those users would merge into
one platform customer) and subs on more than one line, each with its first
lines. Identifiers are compared normalised, as the platform compares them
(emails lower-cased, mobiles as digits with country code).

Memory does not grow with the input: the collision index keeps 128-bit
keyed hashes of the identifiers (never the identifiers), up to --max-memory;
past it, sorted runs spill to a private directory under $TMPDIR, removed
when the command ends or is interrupted. On a terminal, a progress line on
stderr shows the count, the rate and, for a file, the time left.

Exit 0 when the gateway could create the customer (with --batch: every
customer, and no two profiles share an email, mobile or sub), 1 when it
could not (an invalid token, no sub, neither mobile nor email; with --batch
also any collision), 2 on usage errors (including a brand whose file has
errors: it is never used), 3 when the JWKS cannot be fetched.`,
		Example: `  ciamctl mapping dry-run --brand acme eyJhbGciOi...
  pbpaste | ciamctl mapping dry-run --brand acme -
  ciamctl mapping dry-run --brand acme --claims claims.json
  ciamctl mapping dry-run --brand acme --no-verify "$EXPIRED_TOKEN" -o json

  # pre-flight of a whole user base: results as JSON Lines, summary on stderr
  ciamctl mapping dry-run --brand acme --batch profiles.jsonl -o json > results.jsonl
  ciamctl mapping dry-run --brand acme --batch tokens.txt --tokens --summary-json -o json
  ciamctl sandbox --export-users users.jsonl &   # then:
  ciamctl mapping dry-run --brand sandbox --batch users.jsonl`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Args = args
			if opts.Brand == "" {
				return cmdutil.FlagErrorf("missing --brand: the brand whose mappings to apply, e.g. --brand acme")
			}
			if opts.ClaimsFile != "" && len(args) > 0 {
				return cmdutil.FlagErrorf("pass either a TOKEN or --claims FILE, not both")
			}
			if err := opts.validateBatch(cmd.Flags().Changed("max-memory")); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return dryRunRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose mappings and token policy to apply (required)")
	fl.StringVar(&opts.ClaimsFile, "claims", "", "map a JSON claims object from FILE (- for stdin) instead of a token")
	fl.BoolVar(&opts.NoVerify, "no-verify", false, "map the token without verifying it")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even if a cached copy is fresh")
	fl.StringVar(&opts.Batch, "batch", "", "map one claims object (or with --tokens one ID token) per line of `FILE` (- for stdin)")
	fl.BoolVar(&opts.Tokens, "tokens", false, "with --batch: the lines are ID tokens, verified unless --no-verify")
	fl.BoolVar(&opts.SummaryJSON, "summary-json", false, "with --batch: print the summary as a last JSON object on stdout, not text on stderr")
	fl.StringVar(&opts.maxMemory, "max-memory", "512MiB", "with --batch: memory for the collision index (`SIZE`: 512MiB, 64M, 1G) before it spills to disk under $TMPDIR")
	fl.IntVar(&opts.Workers, "workers", 0, "with --batch: lines mapped in parallel (default: the number of CPUs)")
	_ = cmd.MarkFlagFilename("claims", "json")
	_ = cmd.MarkFlagFilename("batch", "jsonl", "txt")
	// --batch may run for minutes: --timeout bounds the key set's load
	// and refetch through the network budget, never the mapping itself.
	return cmdutil.OwnDeadline(cmd)
}

// validateBatch checks the --batch flags; every failure is a usage error.
func (o *DryRunOptions) validateBatch(maxMemorySet bool) error {
	f := o.Factory
	if o.Batch == "" {
		for _, fl := range []struct {
			name string
			set  bool
		}{{"--tokens", o.Tokens}, {"--summary-json", o.SummaryJSON}, {"--max-memory", maxMemorySet}, {"--workers", o.Workers != 0}} {
			if fl.set {
				return cmdutil.FlagErrorf("%s only applies with --batch FILE", fl.name)
			}
		}
		return nil
	}
	switch {
	case len(o.Args) > 0:
		return cmdutil.FlagErrorf("--batch reads the lines from %s; do not also pass a token argument", o.Batch)
	case o.ClaimsFile != "":
		return cmdutil.FlagErrorf("pass either --claims FILE (one claims object) or --batch FILE (one per line), not both")
	case f.Globals.Output == cmdutil.FormatYAML:
		return cmdutil.FlagErrorf("--batch writes JSON Lines or text; use -o json or -o text")
	case o.Workers < 0 || o.Workers > oidc.MaxWorkers():
		return cmdutil.FlagErrorf("--workers: %d is out of range: 1 to %d (or 0 for one per CPU)", o.Workers, oidc.MaxWorkers())
	}
	size, err := cmdutil.ParseSize(o.maxMemory)
	if err != nil {
		return cmdutil.FlagErrorf("--max-memory: %v", err)
	}
	if size < preflight.MinMemory {
		return cmdutil.FlagErrorf("--max-memory: %s is too small; at least %d KiB", o.maxMemory, preflight.MinMemory>>10)
	}
	o.MaxMemory = size
	return nil
}

// DryRunResult is `mapping dry-run -o json`: the contract's ok, profile,
// request and problems (and the gateway's notes), plus how the token fared.
type DryRunResult struct {
	mapping.Result
	// RequestPath is the path and query the request goes to: the source and
	// accountId are mandatory query parameters of the add-customer call.
	RequestPath string      `json:"requestPath,omitempty"`
	Token       *TokenCheck `json:"token,omitempty"`
}

// CodeInvalidToken is the problem code of a token that failed verification.
const CodeInvalidToken = mapping.CodeInvalidToken

func dryRunRun(o *DryRunOptions) error {
	f := o.Factory
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	if o.Batch != "" {
		return o.runBatch(cfg)
	}

	var raw json.RawMessage
	var check *TokenCheck
	if o.ClaimsFile != "" {
		if raw, err = readClaims(f, o.ClaimsFile); err != nil {
			return err
		}
	} else {
		token, err := f.ReadToken(o.Args)
		if err != nil {
			return err
		}
		if o.NoVerify {
			_, raw, err = oidc.Decode(token)
			if err != nil {
				return cmdutil.WithHint(fmt.Errorf("token: %v", err), "pass the ID token itself (three base64url parts separated by dots)")
			}
			check = &TokenCheck{Verified: false}
		} else {
			stop := f.IOStreams.StartProgress("Verifying the token")
			var c TokenCheck
			raw, c, err = VerifyToken(o.Ctx, f, cfg, token, o.NoCache)
			stop()
			if err != nil {
				return err
			}
			check = &c
		}
	}

	out := DryRunResult{Result: Map(raw, cfg), Token: check}
	if check != nil && !check.Verified && !o.NoVerify {
		Reject(&out.Result, check, len(raw) > 0)
	}
	if out.OK {
		out.RequestPath = AddCustomerPath(out.Profile)
	}
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out); err != nil {
			return err
		}
	} else if err := WriteText(f.IOStreams.Out, f.IOStreams.ColorScheme(), cfg, out, o.NoVerify, o.ClaimsFile); err != nil {
		return err
	}
	if !out.OK {
		return cmdutil.ErrFailed
	}
	return nil
}

// Map runs the brand's mappings over raw claims; claims that are not a JSON
// object become a problem of the result, as for a token without claims.
func Map(raw json.RawMessage, cfg *brand.Config) mapping.Result {
	accountID := ""
	if cfg.Channel != nil {
		accountID = cfg.Channel.AccountID
	}
	claims := map[string]any{}
	var decodeErr error
	if len(raw) > 0 {
		claims, decodeErr = mapping.DecodeClaims(raw)
	}
	r := mapping.Run(mapping.Input{Claims: claims, Mappings: cfg.Mappings.AsMap(), AccountID: accountID})
	if decodeErr != nil {
		r.Problems = append([]mapping.Problem{{Field: "claims", Severity: mapping.SeverityError, Code: "invalid_claims", Message: decodeErr.Error()}}, r.Problems...)
		r.OK, r.Request = false, json.RawMessage("null")
	}
	return r
}

// Reject marks a result whose token failed verification: the gateway stops
// there, so no request is made whatever the claims would map to.
// Without claims (a token that could not even be decoded) the mapping's own
// problems would only echo that, so they are dropped.
func Reject(r *mapping.Result, check *TokenCheck, hasClaims bool) {
	mapping.RejectToken(r, check.Error, hasClaims)
}

func readClaims(f *cmdutil.Factory, path string) (json.RawMessage, error) {
	data, err := f.ReadInputFile(path, "--claims", true)
	if err != nil {
		return nil, err
	}
	if _, err := mapping.DecodeClaims(data); err != nil {
		return nil, cmdutil.FlagErrorf("--claims %s: %v", path, err)
	}
	return bytes.TrimSpace(data), nil
}

// WriteText prints a dry run for people: where the claims came from, the
// profile field by field with its claim, the request, problems and notes.
// Claims, brand values and messages quoting them pass through
// iostreams.SafeText before they are coloured or printed.
func WriteText(w io.Writer, cs *iostreams.ColorScheme, cfg *brand.Config, r DryRunResult, noVerify bool, claimsFile string) error {
	safe := iostreams.SafeText
	var b strings.Builder
	switch {
	case claimsFile != "":
		fmt.Fprintf(&b, "%-10s %s\n", "Claims", "from "+safe(claimsFile)+cs.Gray(" (no token, nothing verified)"))
	case noVerify:
		fmt.Fprintf(&b, "%-10s %s\n", "Token", cs.Yellow("not verified")+cs.Gray(" (--no-verify)"))
	case r.Token != nil && r.Token.Verified && cfg.CIAM.Issuer == "":
		// Say what was not checked rather than list it as checked.
		fmt.Fprintf(&b, "%-10s %s %s\n", "Token", cs.SuccessIcon(), "verified ("+safe(r.Token.Alg)+", audience "+safe(cfg.CIAM.ClientID)+", expiry)"+
			cs.Yellow("; issuer not checked: the brand sets no ciam.issuer"))
	case r.Token != nil && r.Token.Verified:
		fmt.Fprintf(&b, "%-10s %s %s\n", "Token", cs.SuccessIcon(), "verified ("+safe(r.Token.Alg)+", issuer, audience "+safe(cfg.CIAM.ClientID)+", expiry)")
	case r.Token != nil:
		fmt.Fprintf(&b, "%-10s %s %s\n", "Token", cs.FailureIcon(), cs.Red("invalid: "+safe(r.Token.Error)))
	}
	p := r.Profile
	fmt.Fprintf(&b, "%-10s %s\n\n", "cuid", orNone(cs, safe(p.CUID())))

	fmt.Fprintf(&b, "%s\n", cs.Bold("Profile")+cs.Gray(" (source "+safe(p.Source)+", account "+orText(safe(p.AccountID), "not linked")+")"))
	values := map[string]string{mapping.FieldFirstName: p.FirstName, mapping.FieldLastName: p.LastName, mapping.FieldMobile: p.Mobile, mapping.FieldEmail: p.Email}
	profile := iostreams.NewTable()
	profile.Indent = "  "
	for _, field := range mapping.Fields {
		claim := cfg.Mappings.Get(field)
		from := cs.Gray("← " + orText(safe(claim), "(not mapped)"))
		profile.Row(field, orNone(cs, safe(values[field])), from)
	}
	_ = profile.Render(&b)

	b.WriteString("\n")
	if string(r.Request) == "null" || len(r.Request) == 0 {
		fmt.Fprintf(&b, "%s %s\n", cs.Bold("Request"), cs.Gray("none: the gateway would not create this customer"))
	} else {
		fmt.Fprintf(&b, "%s %s\n", cs.Bold("Request"), intouch.EndpointOf(intouch.EPAddCustomer).Method+" "+safe(r.RequestPath))
		var ind bytes.Buffer
		if err := json.Indent(&ind, r.Request, "  ", "  "); err != nil {
			ind.Write(r.Request)
		}
		fmt.Fprintf(&b, "  %s\n", iostreams.SafeLines(ind.String()))
	}

	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\n%s\n", cs.Bold("Problems"))
		for _, pr := range r.Problems {
			sev := cs.Yellow(string(pr.Severity))
			if pr.Severity == mapping.SeverityError {
				sev = cs.Red(string(pr.Severity))
			}
			fmt.Fprintf(&b, "  %s %s: %s\n", sev, safe(pr.Field), safe(pr.Message))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", cs.Bold("Notes"))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  - %s\n", n)
	}
	b.WriteString("\n")
	if r.OK {
		fmt.Fprintf(&b, "%s The gateway can create this customer.\n", cs.SuccessIcon())
	} else {
		n := 0
		for _, pr := range r.Problems {
			if pr.Severity == mapping.SeverityError {
				n++
			}
		}
		fmt.Fprintf(&b, "%s The gateway cannot create this customer: %d %s.\n", cs.FailureIcon(), n, cmdutil.Plural(n, "error"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(cs *iostreams.ColorScheme, s string) string {
	if s == "" {
		return cs.Gray("-")
	}
	return s
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// AddCustomerPath is the add-customer call's path with the source and
// accountId query it carries ("?accountId=…&source=OAUTH_EXTERNAL").
func AddCustomerPath(p mapping.Profile) string {
	ep := intouch.EndpointOf(intouch.EPAddCustomer)
	path, err := ep.URL("", nil, intouch.CustomerQuery(p.Source, p.AccountID))
	if err != nil {
		return ep.Path
	}
	return path
}
