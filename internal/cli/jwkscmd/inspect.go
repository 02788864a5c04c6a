package jwkscmd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// InspectOptions holds the dependencies and flags of `jwks inspect`.
type InspectOptions struct {
	Factory    *cmdutil.Factory
	Ctx        context.Context
	Location   string
	NoCache    bool
	Algorithms []string
}

// NewCmdInspect builds `jwks inspect URL|FILE`.
func NewCmdInspect(f *cmdutil.Factory, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "inspect URL|FILE",
		Short: "List a JWKS's keys and problems",
		Long: `Load a JSON Web Key Set from an http(s) URL or a file and list its keys: kid,
kty, alg, use, size or curve, the x5c certificate's expiry, and whether the
verifier can use the key. Problems are listed after the keys: symmetric or
private keys published, RSA under 2048 bits, small-order Ed25519 keys,
unknown curves, alg not fitting the key, duplicate kids, expired
certificates, keys not for signatures.

The set is judged against the algorithms a verifier would allow (--alg, as
a brand's ciam.algorithms; default: every supported one): a weak or broken
key is an error only when an allowed algorithm would use it, and a key for
something else (use: enc, RSA-OAEP or ECDH-ES, an X25519 curve) is only a
warning. The set fails when no usable key verifies an allowed algorithm.

A file may also hold a single JWK, or PEM or DER keys and certificates (as
token verify --jwks reads them): a private key there is reduced to its public
half, with a warning on stderr; a JWK set holding private members is a
published secret, as at a URL. A key without kid is named by its RFC 7638
thumbprint, which -o json shows.

URLs are fetched over https (plain http only from loopback hosts, never with
credentials in the URL) within --timeout, at most 1 MiB, redirects only within
the same origin (scheme, host and port), and cached as Cache-Control allows
(--no-cache always fetches). Query values are shown as REDACTED.

Exit 0 when the set has a usable key for the allowed algorithms and no
error-level problem, 1 otherwise, 2 for a location that is neither an http(s)
URL nor a file, a URL refused as above or a bad --alg, 3 when the set cannot
be fetched or read.`,
		Example: `  ciamctl jwks inspect https://id.acme.example/.well-known/jwks.json
  ciamctl jwks inspect testkeys/jwks.json
  ciamctl jwks inspect --alg ES256 https://api.login.yahoo.com/openid/v1/certs
  ciamctl jwks inspect --no-cache -o json https://id.acme.example/.well-known/jwks.json`,
		Args: cmdutil.ExactArgs(1, "JWKS URL or FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Location = args[0]
			if err := checkAlgorithms(opts.Algorithms); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return inspectRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "fetch even when the cached copy is fresh, and do not cache")
	cmd.Flags().StringSliceVar(&opts.Algorithms, "alg", nil, "judge the set against these allowed algorithms, comma separated, as a brand's ciam.algorithms (default: all supported)")
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(jwks.SignatureAlgorithms(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// checkAlgorithms refuses --alg names a verifier would not accept.
func checkAlgorithms(algs []string) error {
	for _, a := range algs {
		switch {
		case jwks.IsForbiddenAlg(a):
			return cmdutil.FlagErrorf("--alg: %q is never accepted for ID tokens (allowed: %s)", a, strings.Join(jwks.SignatureAlgorithms(), ", "))
		case !jwks.IsSignatureAlg(a):
			return cmdutil.FlagErrorf("--alg: unknown signature algorithm %q (supported: %s)", a, strings.Join(jwks.SignatureAlgorithms(), ", "))
		}
	}
	return nil
}

// Report is the -o json|yaml shape of `jwks inspect`.
type Report struct {
	Location string `json:"location"`
	Valid    bool   `json:"valid"`
	// Usable counts the usable keys that verify an allowed algorithm.
	Usable     int            `json:"usable"`
	Algorithms []string       `json:"algorithms"`
	Keys       []jwks.KeyInfo `json:"keys"`
	Problems   []jwks.Problem `json:"problems"`
}

func inspectRun(o *InspectOptions) error {
	f := o.Factory
	// A URL is shown without credentials or query values (tokens live there).
	shown := redact.URL(o.Location)
	stop := f.IOStreams.StartProgress("Loading " + shown)
	set, err := f.JWKSFetcher(o.NoCache).Load(o.Ctx, o.Location)
	stop()
	if set == nil {
		switch {
		case errors.Is(err, urlpolicy.ErrRefused):
			return cmdutil.WithHint(err, "key sets are fetched over https (plain http only from loopback hosts), without credentials in the URL; or pass a file")
		case errors.Is(err, jwks.ErrBadLocation):
			return cmdutil.WithHint(err, "pass an http(s) URL or a file path")
		case errors.Is(err, jwks.ErrNotJWKS):
			if strings.Contains(o.Location, "://") {
				return cmdutil.WithHint(cmdutil.Invalid(err), `a JWKS is a JSON object {"keys": [...]} of public JWKs`)
			}
			return cmdutil.WithHint(cmdutil.Invalid(err), `a key set file is a JWK set {"keys": [...]}, a single JWK, or PEM or DER keys and certificates`)
		}
		return err
	}
	j := set.Judge(o.Algorithms)
	rep := Report{Location: shown, Valid: j.Valid(), Usable: j.Usable, Algorithms: j.Algorithms, Keys: set.Keys, Problems: j.Problems}
	explicit := len(o.Algorithms) > 0

	if f.Globals.Output != cmdutil.FormatText {
		err = cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep)
	} else {
		err = writeText(f, rep, explicit)
	}
	if err != nil {
		return err
	}
	if !rep.Valid {
		return cmdutil.ErrFailed
	}
	return nil
}

func writeText(f *cmdutil.Factory, rep Report, explicitAlgs bool) error {
	cs := f.IOStreams.ColorScheme()
	out := f.IOStreams.Out
	if len(rep.Keys) > 0 {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KID\tKTY\tALG\tUSE\tSIZE\tX5C EXPIRES\tUSABLE")
		for _, k := range rep.Keys {
			usable := cs.Green("yes")
			if !k.Usable {
				usable = cs.Red("no")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(label(k)), orDash(clean(k.Kty)), orDash(clean(k.Alg)),
				orDash(clean(k.Use)), clean(size(k)), expires(k), usable)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(out)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(out, problemLine(cs, p))
	}
	keys := fmt.Sprintf("%d %s, %d usable", len(rep.Keys), cmdutil.Plural(len(rep.Keys), "key"), rep.Usable)
	if explicitAlgs {
		keys += " for " + strings.Join(rep.Algorithms, ", ")
	}
	icon := cs.SuccessIcon()
	if !rep.Valid {
		icon = cs.FailureIcon()
	}
	_, err := fmt.Fprintf(out, "\n%s %s: %s\n", icon, iostreams.SafeText(rep.Location), keys)
	return err
}

func problemLine(cs *iostreams.ColorScheme, p jwks.Problem) string {
	sev := cs.Yellow(string(p.Severity))
	if p.Severity == jwks.SeverityError {
		sev = cs.Red(string(p.Severity))
	}
	if p.Kid == "" {
		return fmt.Sprintf("%s: %s", sev, iostreams.SafeText(p.Message))
	}
	return fmt.Sprintf("%s: key %s: %s", sev, clean(p.Kid), iostreams.SafeText(p.Message))
}

// label is the key's kid, or its index when it has none.
func label(k jwks.KeyInfo) string {
	if k.Kid != "" {
		return clean(k.Kid)
	}
	return fmt.Sprintf("#%d", k.Index)
}

func size(k jwks.KeyInfo) string {
	switch {
	case k.Curve != "":
		return k.Curve
	case k.Bits > 0:
		return fmt.Sprintf("%d bits", k.Bits)
	}
	return "-"
}

func expires(k jwks.KeyInfo) string {
	if k.CertNotAfter == nil {
		return "-"
	}
	return k.CertNotAfter.UTC().Format(time.DateOnly)
}

// clean makes a field of a remote document (kid, kty, alg, use, curve)
// short and safe for a terminal: control characters and bidi overrides are
// escaped (iostreams.SafeText), and so are spaces, which would shift the
// table's columns.
func clean(s string) string {
	if r := []rune(s); len(r) > 48 {
		s = string(r[:48]) + "…"
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		q := strconv.Quote(s) // escapes controls and bidi overrides too
		return q[1 : len(q)-1]
	}
	return iostreams.SafeText(s)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
