package tokencmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/oauthflow"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/redact"
)

// DefaultLoginTimeout is how long the code and device flows wait for a
// person: generous, as a sign-in with a second factor takes a while.
const DefaultLoginTimeout = 5 * time.Minute

// FetchOptions holds the dependencies and flags of `token fetch`.
type FetchOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Brand        string
	Flow         string
	NoBrowser    bool
	Port         int
	Username     string
	Scopes       []string
	ScopesSet    bool
	LoginTimeout time.Duration
}

// NewCmdFetch builds `token fetch --brand NAME`.
func NewCmdFetch(f *cmdutil.Factory, runF func(*FetchOptions) error) *cobra.Command {
	opts := &FetchOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "fetch --brand NAME [--flow code|client-credentials|password|device]",
		Short: "Get real tokens from the brand's CIAM (browser sign-in, device, password, client credentials)",
		Long: `Get tokens from the brand's CIAM, found by OpenID Connect discovery from the
brand's issuer, and print the ID token once it is verified exactly as
` + "`token verify --brand`" + ` would, and bound to this sign-in: its nonce must be
the one sent, and its at_hash (and c_hash), where present, must match.

--flow code (the default) is how a native app signs in (RFC 8252): ciamctl
listens on 127.0.0.1 (a random port, or --port), opens the authorization URL
in your browser (and prints it; --no-browser only prints it), and waits for
the CIAM to redirect back to http://127.0.0.1:PORT/callback with a code. It
sends PKCE (S256), a state and a nonce; a callback whose state differs is
refused before its code is redeemed. Register that redirect URI with the
CIAM (an IP literal: providers allow any port on it, RFC 8252 section 7.3).

The other flows run only where the CIAM's discovery document advertises them:
  device              RFC 8628: prints a code and a URL to open on any device,
                      then polls until you approve
  password            the resource owner password grant, for test tenants:
                      --username, and the password from $CIAMCTL_CIAM_PASSWORD
                      or a prompt on a terminal
  client-credentials  proves the client ID and secret work; it yields an
                      access token for the client and no ID token (no user
                      signs in), so the access token is printed instead

A confidential client's secret comes from $CIAMCTL_CIAM_CLIENT_SECRET (for
client-credentials, a prompt on a terminal asks when it is not set) and is
sent as client_secret_basic (or client_secret_post when that is all the CIAM
accepts). Secrets have no flags, and no secret or token is written to disk or
shown by --debug.

The scope asked for is openid (an ID token needs it) plus profile, email and
phone where the CIAM lists them, so the token carries the claims the mapping
reads; --scope replaces it. The gateway itself uses no OAuth scopes.

--timeout bounds the network work (discovery, token requests, the key set)
as for every command; the time you take to sign in or approve a device is
bounded by --login-timeout instead (default 5m), so a slow sign-in never
eats into the network budget.

Prints the ID token (text; the access token for client-credentials), or with
-o json {"id_token", "access_token", "refresh_token", "token_type",
"expires_in", "scope"}. Exit 0 with a verified token, 1 when the CIAM refuses
(a denied sign-in, a wrong password, a forged callback) or the ID token fails
verification (nothing is printed), 2 on usage errors (including a flow the
CIAM does not advertise), 3 when the CIAM cannot be reached or the sign-in
times out.`,
		Example: `  # sign in with the browser, keep the ID token
  TOKEN=$(ciamctl token fetch --brand acme)
  ciamctl mapping dry-run --brand acme "$TOKEN"

  # print the URL instead of opening a browser (e.g. over SSH), on a fixed port
  ciamctl token fetch --brand acme --no-browser --port 8400

  # a test tenant's user, no browser
  CIAMCTL_CIAM_PASSWORD=... ciamctl token fetch --brand acme --flow password --username alice

  # a TV-style sign-in on another device
  ciamctl token fetch --brand acme --flow device

  # prove the client credentials work
  CIAMCTL_CIAM_CLIENT_SECRET=... ciamctl token fetch --brand acme --flow client-credentials -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.ScopesSet = cmd.Flags().Changed("scope")
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return fetchRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "the brand whose CIAM to sign in to (its issuer, client ID and token policy)")
	fl.StringVar(&opts.Flow, "flow", oauthflow.FlowCode, "how to get the tokens: code, client-credentials, password or device")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "with --flow code: print the sign-in URL, do not open a browser")
	fl.IntVar(&opts.Port, "port", 0, "with --flow code: loopback port for the redirect (default: any free port)")
	fl.StringVar(&opts.Username, "username", "", "with --flow password: the user (asked on a terminal when missing)")
	fl.StringSliceVar(&opts.Scopes, "scope", nil, "scopes to ask for, comma separated (default: openid, and profile, email, phone where offered)")
	fl.DurationVar(&opts.LoginTimeout, "login-timeout", DefaultLoginTimeout, "with --flow code or device: how long to wait for the sign-in or approval")
	_ = cmd.RegisterFlagCompletionFunc("flow", cobra.FixedCompletions(oauthflow.AllFlows(), cobra.ShellCompDirectiveNoFileComp))
	// It waits for a person (--login-timeout), so --timeout is no deadline
	// for the whole command: its network work (discovery, token requests,
	// the key set) draws on the command's network budget instead.
	return cmdutil.OwnDeadline(cmd)
}

func (o *FetchOptions) validate(cmd *cobra.Command) error {
	fl := cmd.Flags()
	codeOnly := func(name string) error {
		if fl.Changed(name) && o.Flow != oauthflow.FlowCode {
			return cmdutil.FlagErrorf("--%s only applies to --flow code", name)
		}
		return nil
	}
	switch {
	case o.Brand == "":
		return cmdutil.WithHint(cmdutil.FlagErrorf("no brand: pass --brand NAME"), "run `ciamctl brand list` to see the brands")
	case !slices.Contains(oauthflow.AllFlows(), o.Flow):
		return cmdutil.FlagErrorf("--flow: %q is not a flow; use %s", o.Flow, strings.Join(oauthflow.AllFlows(), ", "))
	case o.Port < 0 || o.Port > 65535:
		return cmdutil.FlagErrorf("--port: %d is not a port (1-65535, or 0 for any free one)", o.Port)
	case fl.Changed("username") && o.Flow != oauthflow.FlowPassword:
		return cmdutil.FlagErrorf("--username only applies to --flow password")
	case o.LoginTimeout <= 0:
		return cmdutil.FlagErrorf("--login-timeout: must be positive, e.g. 5m")
	case fl.Changed("login-timeout") && o.Flow != oauthflow.FlowCode && o.Flow != oauthflow.FlowDevice:
		return cmdutil.FlagErrorf("--login-timeout only applies to --flow code and device, which wait for a person")
	}
	for _, name := range []string{"no-browser", "port"} {
		if err := codeOnly(name); err != nil {
			return err
		}
	}
	if o.ScopesSet && o.Flow != oauthflow.FlowClientCredentials && !slices.Contains(o.Scopes, "openid") {
		return cmdutil.FlagErrorf("--scope: an ID token needs the openid scope; add it (e.g. --scope openid,email)")
	}
	return nil
}

func fetchRun(o *FetchOptions) error {
	f := o.Factory
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	if cfg.CIAM.Issuer == "" {
		return cmdutil.WithHint(cmdutil.FlagErrorf("brand %q has no ciam.issuer: token fetch finds the CIAM's endpoints by discovery from it", o.Brand),
			"add issuer: https://… under ciam: in the brand file (or re-add the brand with --discover)")
	}
	secret := f.Getenv(cmdutil.EnvCIAMClientSecret)
	if o.Flow == oauthflow.FlowClientCredentials && secret == "" {
		if secret, err = o.askSecret(cfg.CIAM.ClientID); err != nil {
			return err
		}
	}
	if f.NetBudget == nil { // a run function called without the root command (tests)
		f.NetBudget = deadline.NewBudget(f.Globals.Timeout, "--timeout", nil)
	}
	wellKnown := redact.URL(oidc.WellKnownURL(cfg.CIAM.Issuer))

	// Discovery, the token requests and the key set (JWKSFetcher) all draw
	// on the command's one network budget.
	ctx, done, err := f.NetBudget.Start(o.Ctx, "discovery")
	if err != nil {
		return fmt.Errorf("brand %q: %w", o.Brand, &oidc.DiscoveryError{URL: wellKnown, Cause: err.Error(), Kind: oidc.ErrUnavailable, Err: err})
	}
	stop := f.IOStreams.StartProgress("Reading the CIAM's discovery document")
	p, err := oidc.Discover(ctx, f.HTTPClient(), cfg.CIAM.Issuer)
	stop()
	done()
	if err != nil {
		return fmt.Errorf("brand %q: %w", o.Brand, err)
	}
	if p.OAuth.Err != nil {
		return fmt.Errorf("brand %q: %w", o.Brand, &oidc.DiscoveryError{URL: wellKnown, Cause: p.OAuth.Err.Error(), Kind: oidc.ErrMismatch})
	}
	if err := oauthflow.CheckOffered(p.OAuth, o.Flow); err != nil {
		return cmdutil.WithHint(err, "flows come from the CIAM's grant_types_supported, authorization_endpoint and device_authorization_endpoint (%s)", wellKnown)
	}

	client := &oauthflow.Client{
		HTTP:         f.HTTPClient(),
		Provider:     p,
		ClientID:     cfg.CIAM.ClientID,
		ClientSecret: secret,
		Scopes:       o.scopes(p.OAuth),
		Budget:       f.NetBudget,
		Wait:         o.LoginTimeout,
		WaitName:     "--login-timeout",
	}
	toks, err := o.runFlow(client)
	if err != nil {
		if secret == "" && strings.Contains(err.Error(), "invalid_client") {
			return cmdutil.WithHint(err, "a confidential client authenticates with its secret: set %s", cmdutil.EnvCIAMClientSecret)
		}
		return err
	}
	if o.Flow == oauthflow.FlowClientCredentials {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s The client credentials work: the CIAM issued an access token for client %s. Client credentials yield no ID token (no user signs in).\n",
			f.IOStreams.ErrColorScheme().SuccessIcon(), iostreams.SafeText(cfg.CIAM.ClientID))
		return writeTokens(f, toks, toks.AccessToken)
	}
	if err := verifyFetched(o, cfg, toks); err != nil {
		return err
	}
	return writeTokens(f, toks, toks.IDToken)
}

// scopes is --scope, else openid plus the profile scopes the CIAM lists
// (all three when it lists none); client credentials ask for none.
func (o *FetchOptions) scopes(meta oidc.OAuth) []string {
	if o.ScopesSet {
		return o.Scopes
	}
	if o.Flow == oauthflow.FlowClientCredentials {
		return nil
	}
	out := []string{"openid"}
	for _, s := range []string{"profile", "email", "phone"} {
		if meta.ScopesSupported == nil || slices.Contains(meta.ScopesSupported, s) {
			out = append(out, s)
		}
	}
	return out
}

func (o *FetchOptions) runFlow(c *oauthflow.Client) (*oauthflow.Tokens, error) {
	f := o.Factory
	errOut := f.IOStreams.ErrOut
	switch o.Flow {
	case oauthflow.FlowCode:
		return c.Code(o.Ctx, oauthflow.CodeOptions{Port: o.Port, Prompt: func(authURL string) {
			o.promptBrowser(authURL)
		}})
	case oauthflow.FlowDevice:
		return c.Device(o.Ctx, func(p oauthflow.DevicePrompt) {
			cs := f.IOStreams.ErrColorScheme()
			fmt.Fprintf(errOut, "On any device, open %s and enter the code %s\n",
				iostreams.SafeText(p.VerificationURI), cs.Bold(iostreams.SafeText(p.UserCode)))
			if p.VerificationURIComplete != "" {
				fmt.Fprintf(errOut, "  (or open %s)\n", iostreams.SafeText(p.VerificationURIComplete))
			}
			fmt.Fprintf(errOut, "Waiting up to %s for the approval (--login-timeout)…\n", o.LoginTimeout)
		})
	case oauthflow.FlowPassword:
		user, password, err := o.credentials()
		if err != nil {
			return nil, err
		}
		return c.Password(o.Ctx, user, password)
	}
	return c.ClientCredentials(o.Ctx)
}

// promptBrowser prints the sign-in URL and opens it, unless --no-browser.
func (o *FetchOptions) promptBrowser(authURL string) {
	f := o.Factory
	w := f.IOStreams.ErrOut
	safe := iostreams.SafeText(authURL)
	if o.NoBrowser {
		fmt.Fprintf(w, "Open this URL in a browser to sign in:\n  %s\n", safe)
	} else {
		fmt.Fprintf(w, "Opening the sign-in page in your browser. If it does not open, visit:\n  %s\n", safe)
		if err := f.Browser(authURL); err != nil {
			fmt.Fprintf(w, "%s could not open a browser (%s); open the URL above yourself\n",
				f.IOStreams.ErrColorScheme().WarningIcon(), iostreams.SafeText(err.Error()))
		}
	}
	fmt.Fprintf(w, "Waiting up to %s for the sign-in (--login-timeout)…\n", o.LoginTimeout)
}

// credentials are the password flow's username and password: --username
// and $CIAMCTL_CIAM_PASSWORD, else a prompt on a terminal.
func (o *FetchOptions) credentials() (string, string, error) {
	f := o.Factory
	user, password := o.Username, f.Getenv(cmdutil.EnvCIAMPassword)
	if user != "" && password != "" {
		return user, password, nil
	}
	if !f.CanPrompt() {
		var missing []string
		if user == "" {
			missing = append(missing, "--username")
		}
		if password == "" {
			missing = append(missing, "$"+cmdutil.EnvCIAMPassword)
		}
		return "", "", cmdutil.FlagErrorf("--flow password needs %s (no terminal to ask on)", strings.Join(missing, " and "))
	}
	var fields []huh.Field
	if user == "" {
		fields = append(fields, huh.NewInput().Title("Username").Value(&user).Validate(required("a username")))
	}
	if password == "" {
		fields = append(fields, huh.NewInput().Title("Password").EchoMode(huh.EchoModePassword).Value(&password).Validate(required("the password")))
	}
	err := huh.NewForm(huh.NewGroup(fields...)).
		WithInput(f.IOStreams.In).
		WithOutput(f.IOStreams.ErrOut).
		WithAccessible(f.Accessible()).
		RunWithContext(o.Ctx)
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return "", "", cmdutil.ErrCancelled
	case err != nil:
		return "", "", err
	case user == "" || password == "":
		return "", "", cmdutil.FlagErrorf("--flow password: no username or password was entered")
	}
	return user, password, nil
}

// askSecret asks for the client secret on a terminal; without one it is a
// usage error naming the variable.
func (o *FetchOptions) askSecret(clientID string) (string, error) {
	f := o.Factory
	if !f.CanPrompt() {
		return "", cmdutil.WithHint(cmdutil.FlagErrorf("--flow client-credentials needs the client's secret: set %s", cmdutil.EnvCIAMClientSecret),
			"the secret of client %q, from the CIAM's registration of the application", clientID)
	}
	var secret string
	err := huh.NewForm(huh.NewGroup(huh.NewInput().Title("Client secret of " + clientID).
		EchoMode(huh.EchoModePassword).Value(&secret).Validate(required("the client secret")))).
		WithInput(f.IOStreams.In).
		WithOutput(f.IOStreams.ErrOut).
		WithAccessible(f.Accessible()).
		RunWithContext(o.Ctx)
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return "", cmdutil.ErrCancelled
	case err != nil:
		return "", err
	case secret == "":
		return "", cmdutil.FlagErrorf("--flow client-credentials: no client secret was entered")
	}
	return secret, nil
}

func required(what string) func(string) error {
	return func(s string) error {
		if s == "" {
			return fmt.Errorf("enter %s", what)
		}
		return nil
	}
}

// verifyFetched verifies the ID token with the brand's policy, bound to
// this sign-in (nonce, at_hash, c_hash). A token that fails is not printed:
// its checks go to stderr.
func verifyFetched(o *FetchOptions, cfg *brand.Config, toks *oauthflow.Tokens) error {
	f := o.Factory
	p := cmdutil.BrandPolicy(cfg)
	p.Now = f.Now
	p.Nonce, p.AccessToken, p.Code = toks.Nonce, toks.AccessToken, toks.Code
	src := &recordingSource{KeySource: oidc.NewFetcherSource(f.JWKSFetcher(false), cfg.CIAM.JWKSURI), location: cfg.CIAM.JWKSURI}
	v, err := oidc.NewVerifier(p, src)
	if err != nil {
		return fmt.Errorf("brand %q: %s", o.Brand, strings.TrimPrefix(err.Error(), "oidc: "))
	}
	// The key set's fetch draws on the network budget (JWKSFetcher); the
	// checks themselves are not network work.
	res := v.Verify(o.Ctx, toks.IDToken)
	if res.Valid {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s ID token%s verified with brand %s's policy%s\n",
			f.IOStreams.ErrColorScheme().SuccessIcon(), forSubject(res), o.Brand, boundTo(res))
		return nil
	}
	if err := writeResult(f.IOStreams.ErrOut, f.IOStreams.ErrColorScheme(), res); err != nil {
		return err
	}
	if res.Reason == oidc.ReasonJWKSUnavailable {
		return src.failure(res.Error)
	}
	return cmdutil.WithHint(fmt.Errorf("the CIAM's ID token failed verification (%s); it was not printed", res.Reason),
		"check the brand's issuer, clientId and algorithms against the CIAM (`ciamctl doctor --brand %s`)", o.Brand)
}

func forSubject(res oidc.Result) string {
	if s := subject(res); s != "" {
		return " for sub " + s
	}
	return ""
}

// boundTo names the binding checks the token passed (the nonce, and at_hash
// and c_hash where it has them): the password and device flows have none.
func boundTo(res oidc.Result) string {
	var bound []string
	for _, c := range res.Checks {
		switch c.Name {
		case oidc.CheckNonce, oidc.CheckAtHash, oidc.CheckCHash:
			if c.OK && strings.Contains(c.Detail, "matches") {
				bound = append(bound, c.Name)
			}
		}
	}
	if len(bound) == 0 {
		return ""
	}
	return ", bound to this sign-in by " + strings.Join(bound, ", ")
}

// fetched is the JSON shape of token fetch.
type fetched struct {
	IDToken      *string `json:"id_token"`
	AccessToken  string  `json:"access_token"`
	RefreshToken *string `json:"refresh_token"`
	TokenType    string  `json:"token_type"`
	ExpiresIn    *int64  `json:"expires_in"`
	Scope        *string `json:"scope"`
}

func writeTokens(f *cmdutil.Factory, t *oauthflow.Tokens, text string) error {
	if f.Globals.Output == cmdutil.FormatText {
		_, err := io.WriteString(f.IOStreams.Out, text+"\n")
		return err
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	out := fetched{IDToken: opt(t.IDToken), AccessToken: t.AccessToken, RefreshToken: opt(t.RefreshToken), TokenType: t.TokenType, Scope: opt(t.Scope)}
	if t.ExpiresIn > 0 {
		out.ExpiresIn = &t.ExpiresIn
	}
	return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out)
}
