package flowcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/rp"
)

// LogoutOptions holds the dependencies and flags of `flow logout`.
type LogoutOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Brand        string
	AccessToken  string
	RefreshToken string
	IDTokenHint  string
	Apply        bool
}

// NewCmdLogout builds `flow logout`.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "logout --brand NAME [--access-token T] [--refresh-token R] [--id-token-hint T] [--apply]",
		Short: "Do what logout does: end the CIAM session and revoke the tokens",
		Long: `Run the guide's logout flow against the brand's CIAM, as the app does it:

  1. RP-initiated logout: a GET of the end_session_endpoint with the ID token
     as id_token_hint (OpenID Connect RP-Initiated Logout 1.0);
  2. token revocation (RFC 7009) at the revocation_endpoint: the refresh
     token, then the access token;
  3. userinfo with the access token, which must now be refused.

Both endpoints come from the issuer's discovery document; a CIAM that
publishes neither is an error (exit 1) and nothing is sent. Nothing happens on
the platform side: the gateway keeps no session, so the customer is untouched.

Without --apply only discovery is read and the requests are printed, tokens
left out. With --apply they are sent, and userinfo is called before and after.
A confidential client's secret is read from $` + cmdutil.EnvCIAMClientSecret + `; there is no flag.
The revocation authenticates the client as discovery's
revocation_endpoint_auth_methods_supported allows: client_secret_basic unless
only client_secret_post is offered, client_id alone for a public client.

Exit 0 when the logout was done and userinfo refuses the access token, 1 when
the CIAM refuses a request or still accepts a revoked token, 2 for usage
errors, 3 when the CIAM cannot be reached.`,
		Example: `  ciamctl flow logout --brand acme --id-token-hint "$ID_TOKEN" --access-token "$ACCESS_TOKEN"
  ciamctl flow logout --brand acme --id-token-hint "$ID_TOKEN" --access-token "$ACCESS_TOKEN" --apply
  ciamctl flow logout --brand acme --refresh-token "$REFRESH_TOKEN" --apply -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.AccessToken = strings.TrimSpace(opts.AccessToken)
			opts.RefreshToken = strings.TrimSpace(opts.RefreshToken)
			opts.IDTokenHint = strings.TrimSpace(opts.IDTokenHint)
			if opts.Brand == "" {
				return cmdutil.FlagErrorf("missing --brand: the brand whose CIAM to log out of, e.g. --brand acme")
			}
			if opts.AccessToken == "" && opts.RefreshToken == "" && opts.IDTokenHint == "" {
				return cmdutil.FlagErrorf("nothing to log out: pass --id-token-hint, --access-token or --refresh-token")
			}
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose CIAM to log out of (required)")
	fl.StringVar(&opts.AccessToken, "access-token", "", "access token to revoke, then to try at userinfo")
	fl.StringVar(&opts.RefreshToken, "refresh-token", "", "refresh token to revoke")
	fl.StringVar(&opts.IDTokenHint, "id-token-hint", "", "ID token of the session to end at the end_session_endpoint")
	fl.BoolVar(&opts.Apply, "apply", false, "send the logout requests (default: print them)")
	return cmd
}

// Steps of a logout.
const (
	StepUserinfoBefore = "userinfo_before"
	StepEndSession     = "end_session"
	StepRevokeRefresh  = "revoke_refresh_token"
	StepRevokeAccess   = "revoke_access_token"
	StepUserinfoAfter  = "userinfo_after"
)

// LogoutStep is one request of the logout. Made is false for what a run without --apply only shows;
// OK says whether the answer was the one the step wants.
type LogoutStep struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	URL    string `json:"url"`
	// Sends names what the request carries, tokens as placeholders.
	Sends  string `json:"sends"`
	Made   bool   `json:"made"`
	OK     bool   `json:"ok"`
	Result string `json:"result"`
}

// LogoutResult is `flow logout -o json`.
type LogoutResult struct {
	OK                 bool         `json:"ok"`
	Applied            bool         `json:"applied"`
	Issuer             string       `json:"issuer"`
	EndSessionEndpoint string       `json:"endSessionEndpoint"`
	RevocationEndpoint string       `json:"revocationEndpoint"`
	Steps              []LogoutStep `json:"steps"`
	// AccessTokenRefused is whether userinfo refuses the access token after the logout (null when not tried).
	AccessTokenRefused *bool    `json:"accessTokenRefused"`
	Notes              []string `json:"notes"`
	Platform           string   `json:"platform"`
}

// PlatformNote is what logout means for the platform: nothing.
const PlatformNote = "nothing to do: the gateway keeps no session, so logout changes no customer and makes no platform call"

func logoutRun(o *LogoutOptions) error {
	f := o.Factory
	ctx := o.Ctx // bounded by the command's one --timeout deadline
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	if cfg.CIAM.Issuer == "" {
		return cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf("brand %q has no ciam.issuer: the logout endpoints come from the issuer's discovery document", o.Brand)),
			"set ciam.issuer in %s (or re-add the brand with --discover)", res.Path)
	}
	stop := f.IOStreams.StartProgress("Reading discovery")
	d, err := oidc.Discover(ctx, f.HTTPClient(), cfg.CIAM.Issuer)
	stop()
	if err != nil {
		return err
	}
	out := LogoutResult{Applied: o.Apply, Issuer: d.Issuer, EndSessionEndpoint: d.EndSessionEndpoint, RevocationEndpoint: d.RevocationEndpoint,
		Steps: []LogoutStep{}, Notes: []string{}, Platform: PlatformNote}
	if d.EndSessionEndpoint == "" && d.RevocationEndpoint == "" {
		return cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf("the CIAM at %s publishes neither end_session_endpoint nor revocation_endpoint in its discovery document: there is no logout to make there; nothing was sent", d.Issuer)),
			"the CIAM's tokens then stay valid until they expire; ask its administrators for RP-initiated logout and RFC 7009 revocation")
	}
	// Tokens go to these endpoints: check them before anything is sent.
	for what, u := range map[string]string{"end_session_endpoint": d.EndSessionEndpoint, "revocation_endpoint": d.RevocationEndpoint} {
		if u != "" {
			if _, err := rp.CheckURL(what, u); err != nil {
				return fmt.Errorf("discovery of %s: %w; nothing was sent", d.Issuer, err)
			}
		}
	}
	client := rp.Client{ID: cfg.CIAM.ClientID, Secret: f.Getenv(cmdutil.EnvCIAMClientSecret), RevocationAuthMethods: d.RevocationEndpointAuthMethodsSupported}
	steps, err := planLogout(o, cfg, d, client, &out)
	if err != nil {
		return err
	}
	if len(steps) == 0 {
		return cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf("nothing ciamctl can do with the tokens given: %s", strings.Join(out.Notes, "; "))),
			"pass the token the CIAM's endpoints take (--id-token-hint for end_session_endpoint, --access-token or --refresh-token for revocation_endpoint)")
	}
	if !o.Apply {
		for _, s := range steps {
			s.Result = "not sent (no --apply)"
			out.Steps = append(out.Steps, s)
		}
		out.OK = true
		return finishLogout(f, out, nil)
	}

	stop = f.IOStreams.StartProgress("Logging out")
	failure := runLogout(ctx, f, o, cfg, client, steps, &out)
	stop()
	return finishLogout(f, out, failure)
}

// planLogout lists the requests the tokens given allow, and notes what cannot be done.
func planLogout(o *LogoutOptions, cfg *brand.Config, d *oidc.Provider, client rp.Client, out *LogoutResult) ([]LogoutStep, error) {
	var steps []LogoutStep
	// How the revocation authenticates the client, settled before anything is sent.
	var revokeAuth string
	if d.RevocationEndpoint != "" && (o.AccessToken != "" || o.RefreshToken != "") {
		method, err := client.RevocationAuth()
		if err != nil {
			return nil, cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf("the CIAM at %s: %w; nothing was sent", d.Issuer, err)),
				"revoke the tokens in the CIAM's console, or leave out --access-token and --refresh-token to only end the session")
		}
		switch method {
		case rp.AuthNone:
			revokeAuth = "&client_id=" + url.QueryEscape(client.ID)
		case rp.AuthSecretPost:
			revokeAuth = "&client_id=" + url.QueryEscape(client.ID) + "&client_secret=<client secret>"
		case rp.AuthSecretBasic:
			revokeAuth = "  Authorization: Basic <client ID and secret>"
		}
	}
	if o.AccessToken != "" {
		steps = append(steps, LogoutStep{Name: StepUserinfoBefore, Method: "GET", URL: cfg.CIAM.UserinfoEndpoint, Sends: "Authorization: Bearer <access token>"})
	}
	switch {
	case d.EndSessionEndpoint != "" && o.IDTokenHint != "":
		steps = append(steps, LogoutStep{Name: StepEndSession, Method: "GET", URL: d.EndSessionEndpoint,
			Sends: "id_token_hint=<ID token>&client_id=" + url.QueryEscape(cfg.CIAM.ClientID)})
	case d.EndSessionEndpoint != "":
		out.Notes = append(out.Notes, "the CIAM session is not ended: pass --id-token-hint to call the end_session_endpoint")
	case o.IDTokenHint != "":
		out.Notes = append(out.Notes, "the CIAM publishes no end_session_endpoint: its session cannot be ended from here")
	}
	revoke := func(name, token, hint string) {
		if token == "" {
			return
		}
		if d.RevocationEndpoint == "" {
			out.Notes = append(out.Notes, "the CIAM publishes no revocation_endpoint: the "+strings.ReplaceAll(hint, "_", " ")+" stays valid until it expires")
			return
		}
		steps = append(steps, LogoutStep{Name: name, Method: "POST", URL: d.RevocationEndpoint,
			Sends: "token=<" + strings.ReplaceAll(hint, "_", " ") + ">&token_type_hint=" + hint + revokeAuth})
	}
	// The refresh token first: revoking it may revoke the access tokens of its grant too (RFC 7009 §2.1).
	revoke(StepRevokeRefresh, o.RefreshToken, "refresh_token")
	revoke(StepRevokeAccess, o.AccessToken, "access_token")
	if o.AccessToken != "" {
		steps = append(steps, LogoutStep{Name: StepUserinfoAfter, Method: "GET", URL: cfg.CIAM.UserinfoEndpoint, Sends: "Authorization: Bearer <access token>"})
	}
	// Only userinfo calls are no logout at all.
	for _, s := range steps {
		if s.Name != StepUserinfoBefore && s.Name != StepUserinfoAfter {
			return steps, nil
		}
	}
	return nil, nil
}

// runLogout sends the steps in order; a refused step is recorded and the rest still run, so the report
// shows what the CIAM did. The error is the first failure, or userinfo still accepting a revoked token.
func runLogout(ctx context.Context, f *cmdutil.Factory, o *LogoutOptions, cfg *brand.Config, client rp.Client, steps []LogoutStep, out *LogoutResult) error {
	var first error
	fail := func(s *LogoutStep, err error) {
		s.Result = err.Error()
		if first == nil {
			first = err
		}
	}
	revoked := false
	for _, s := range steps {
		s.Made = true
		switch s.Name {
		case StepUserinfoBefore, StepUserinfoAfter:
			_, _, err := rp.Userinfo(ctx, f.HTTPClient(), s.URL, o.AccessToken)
			refused := errors.Is(err, rp.ErrRefused)
			switch {
			case err != nil && !refused:
				fail(&s, err)
			case s.Name == StepUserinfoBefore && refused:
				s.OK, s.Result = true, "refused already before the logout: "+reason(err)
			case s.Name == StepUserinfoBefore:
				s.OK, s.Result = true, "accepts the access token before the logout"
			case refused:
				out.AccessTokenRefused = &refused
				s.OK, s.Result = true, "refuses the access token now: "+reason(err)
			default:
				out.AccessTokenRefused = &refused
				s.Result = "still accepts the access token"
				if revoked {
					fail(&s, cmdutil.Invalid(errors.New("userinfo still accepts the access token after the CIAM answered its revocation with 200")))
					s.Result = "still accepts the access token: the revocation did not take"
				} else {
					out.Notes = append(out.Notes, "userinfo still accepts the access token: it was not revoked, so it stays valid until it expires")
				}
			}
		case StepEndSession:
			res, err := rp.EndSession(ctx, f.HTTPClient(), s.URL, o.IDTokenHint, client)
			if err != nil {
				fail(&s, err)
				break
			}
			s.OK, s.Result = true, fmt.Sprintf("HTTP %d: the CIAM ended the session", res.Status)
			if res.Location != "" {
				s.Result += " (it sends the browser to " + res.Location + ")"
			}
		case StepRevokeRefresh, StepRevokeAccess:
			token, hint := o.RefreshToken, "refresh_token"
			if s.Name == StepRevokeAccess {
				token, hint = o.AccessToken, "access_token"
			}
			if err := rp.Revoke(ctx, f.HTTPClient(), s.URL, token, hint, client); err != nil {
				fail(&s, err)
				break
			}
			revoked = revoked || s.Name == StepRevokeAccess
			s.OK, s.Result = true, "HTTP 200: revoked"
		}
		out.Steps = append(out.Steps, s)
	}
	out.OK = first == nil
	return first
}

func reason(err error) string {
	var he *rp.HTTPError
	if errors.As(err, &he) {
		r := fmt.Sprintf("HTTP %d", he.Status)
		if he.Reason != "" {
			r += " " + he.Reason
		}
		return r
	}
	return err.Error()
}

func finishLogout(f *cmdutil.Factory, out LogoutResult, failure error) error {
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out); err != nil {
			return err
		}
		return failure
	}
	if err := writeLogout(f.IOStreams.Out, f.IOStreams.ColorScheme(), out); err != nil {
		return err
	}
	return failure
}

func writeLogout(w io.Writer, cs *iostreams.ColorScheme, r LogoutResult) error {
	safe := iostreams.SafeText
	var b strings.Builder
	fmt.Fprintf(&b, "Discovery of %s\n", safe(r.Issuer))
	for _, e := range []struct{ name, url string }{{"end_session_endpoint", r.EndSessionEndpoint}, {"revocation_endpoint", r.RevocationEndpoint}} {
		fmt.Fprintf(&b, "  %-21s %s\n", e.name, safe(orText(e.url, "(not published)")))
	}
	for _, s := range r.Steps {
		mark := cs.SuccessIcon()
		switch {
		case !s.Made:
			mark = cs.Yellow("→")
		case !s.OK:
			mark = cs.FailureIcon()
		}
		fmt.Fprintf(&b, "%s %s %s  %s\n", mark, cs.Bold(s.Method), safe(s.URL), cs.Gray(safe(s.Sends)))
		fmt.Fprintf(&b, "    %s\n", safe(s.Result))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "%s %s\n", cs.WarningIcon(), safe(n))
	}
	fmt.Fprintf(&b, "Platform: %s.\n", r.Platform)
	switch {
	case !r.Applied:
		b.WriteString(cs.Gray("Dry run: only discovery was read; pass --apply to send the requests above.") + "\n")
	case r.OK && r.AccessTokenRefused != nil && *r.AccessTokenRefused:
		fmt.Fprintf(&b, "%s Logged out: userinfo refuses the revoked access token\n", cs.SuccessIcon())
	case r.OK:
		fmt.Fprintf(&b, "%s Logged out\n", cs.SuccessIcon())
	default:
		fmt.Fprintf(&b, "%s The logout is incomplete (see above)\n", cs.FailureIcon())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
