package tokencmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/rp"
)

// UserinfoOptions holds the dependencies and flags of `token userinfo`.
type UserinfoOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Brand   string
	Args    []string
	IDToken string
	NoCache bool
}

// NewCmdUserinfo builds `token userinfo`.
func NewCmdUserinfo(f *cmdutil.Factory, runF func(*UserinfoOptions) error) *cobra.Command {
	opts := &UserinfoOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "userinfo --brand NAME (ACCESS_TOKEN | -) [--id-token TOKEN]",
		Short: "Call the brand's userinfo endpoint with an access token and compare it with the ID token",
		Long: `Call the brand's userinfo endpoint (ciam.userinfoEndpoint) with an access token,
as a Bearer token, and show the claims it answers.

With --id-token (the ID token of the same sign-in, verified with the brand's
policy), check that userinfo's sub is the ID token's: OpenID Connect Core
§5.3.2 says a userinfo response for another sub must not be used. Then show,
for each claim the brand's mappings use, the value in the ID token and in
userinfo: the gateway maps the ID token, so a value only userinfo has never
reaches the platform.

The access token is the argument, or stdin with - (or when stdin is not a
terminal). It is sent only to the brand's userinfo endpoint, over https (http
only for loopback hosts), never across a redirect to another origin, and is
never printed.

Exit 0 when userinfo answers (and its sub matches), 1 when it refuses the
access token (revoked, expired, not an access token), has no sub, or its sub
differs, or the ID token is invalid; 3 when it cannot be reached.`,
		Example: `  ciamctl token userinfo --brand acme "$ACCESS_TOKEN"
  ciamctl token userinfo --brand acme "$ACCESS_TOKEN" --id-token "$ID_TOKEN"
  pbpaste | ciamctl token userinfo --brand acme - -o json`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Args = args
			if opts.Brand == "" {
				return cmdutil.FlagErrorf("missing --brand: the brand whose userinfo endpoint to call, e.g. --brand acme")
			}
			if runF != nil {
				return runF(opts)
			}
			return userinfoRun(opts)
		},
	}
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose userinfo endpoint, policy and mappings to use (required)")
	cmd.Flags().StringVar(&opts.IDToken, "id-token", "", "the ID token of the same sign-in, to check sub and compare the mapped claims")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even if a cached copy is fresh")
	return cmd
}

func userinfoRun(o *UserinfoOptions) error {
	f := o.Factory
	ctx := o.Ctx // bounded by the command's one --timeout deadline
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	accessToken, err := f.ReadToken(o.Args)
	if err != nil {
		return err
	}
	stop := f.IOStreams.StartProgress("Calling userinfo")
	rep, err := f.CheckUserinfo(ctx, cfg, accessToken, strings.TrimSpace(o.IDToken), o.NoCache)
	stop()
	if errors.Is(err, rp.ErrRefused) {
		return cmdutil.WithHint(fmt.Errorf("userinfo refused the access token: %w", err),
			"the token is revoked, expired or not an access token for this CIAM; sign in again for a fresh one")
	}
	if err != nil {
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep); err != nil {
			return err
		}
	} else if err := WriteUserinfo(f.IOStreams.Out, f.IOStreams.ColorScheme(), rep); err != nil {
		return err
	}
	if !rep.OK {
		return cmdutil.ErrFailed
	}
	return nil
}

// WriteUserinfo prints a userinfo report: the verdict, the claims, the
// mapped claims side by side. Everything but the labels is the CIAM's:
// escaped before it is printed.
func WriteUserinfo(w io.Writer, cs *iostreams.ColorScheme, r cmdutil.UserinfoReport) error {
	safe := iostreams.SafeText
	var b strings.Builder
	if r.IDToken != nil && !r.IDToken.Verified {
		fmt.Fprintf(&b, "%s ID token rejected: %s\n", cs.FailureIcon(), safe(r.IDToken.Error))
		b.WriteString("Userinfo was not called: there is nothing trustworthy to compare it with.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%s %s answered for sub %s (%d %s)\n", cs.SuccessIcon(), safe(r.Endpoint), safe(orDash(r.Sub)), len(r.Claims), cmdutil.Plural(len(r.Claims), "claim"))
	switch {
	case r.SubMatches == nil:
		b.WriteString(cs.Gray("  sub not compared: pass --id-token with the ID token of the same sign-in") + "\n")
	case *r.SubMatches:
		fmt.Fprintf(&b, "%s sub is the ID token's (OpenID Connect Core §5.3.2)\n", cs.SuccessIcon())
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "%s %s\n", cs.FailureIcon(), safe(p))
	}
	b.WriteString("\n" + cs.Bold("Claims") + "\n")
	names := make([]string, 0, len(r.Claims))
	for k := range r.Claims {
		names = append(names, k)
	}
	slices.Sort(names)
	claims := iostreams.NewTable()
	claims.Indent = "  "
	for _, k := range names {
		claims.Row(safe(k), safe(cmdutil.ClaimText(r.Claims[k])))
	}
	_ = claims.Render(&b)
	if len(r.Mappings) > 0 {
		if r.IDToken != nil {
			b.WriteString("\n" + cs.Bold("Mapped claims") + cs.Gray(" (the gateway maps the ID token's)") + "\n")
			mapped := iostreams.NewTable()
			mapped.Indent = "  "
			mapped.Row("field", "ID token", "userinfo")
			for _, m := range r.Mappings {
				verdict := cs.Green("same")
				if !m.Same {
					verdict = cs.Yellow("differs")
				}
				mapped.Row(m.Field, safe(orDash(m.IDToken)), safe(orDash(m.Userinfo)), verdict)
			}
			_ = mapped.Render(&b)
		} else {
			b.WriteString("\n" + cs.Bold("Mapped claims") + cs.Gray(" (from userinfo)") + "\n")
			mapped := iostreams.NewTable()
			mapped.Indent = "  "
			for _, m := range r.Mappings {
				mapped.Row(m.Field, safe(orDash(m.Userinfo)))
			}
			_ = mapped.Render(&b)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
