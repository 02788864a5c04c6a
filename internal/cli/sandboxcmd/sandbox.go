// Package sandboxcmd implements `ciamctl sandbox`.
package sandboxcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/atomicfile"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/sandbox"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// Options holds the dependencies and flags of `sandbox`.
type Options struct {
	Factory  *cmdutil.Factory
	Addr     string
	ClientID string
	Seed     string
	EnvFile  string
	Basic    bool
	// UsersFile and TokensFile receive the users' claims (JSON Lines) and
	// an ID token per user, for a pre-flight with mapping dry-run --batch.
	UsersFile  string
	TokensFile string
	// The platform emulator's org rules.
	MandatoryFields []string
	RateLimit       int
	DenySourceTypes []string
	ParentOrg       string
	// Ready, when set, is called once both emulators listen (tests use it).
	Ready func(*sandbox.Sandbox)
}

// NewCmdSandbox builds `ciamctl sandbox`.
func NewCmdSandbox(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a local CIAM and Intouch API emulator until Ctrl-C",
		Long: `Serve two emulators on loopback until interrupted (Ctrl-C or SIGTERM):

  - a CIAM: OpenID Connect discovery, a JWKS with an RS256 and an ES256 key,
    sign-in for seeded users (alice and bob, password "password") by the
    authorization code flow (a login page, PKCE, any loopback redirect port),
    the password grant and the device flow (each with a refresh token),
    userinfo for the access tokens it issues, RP-initiated logout, token
    revocation (access and refresh tokens), and an admin API to change
    a user between logins (PATCH /admin/users/{login} with the printed admin
    token): ` + "`ciamctl token fetch`" + ` gets tokens from it;
  - the Intouch API: channel accounts and customers, with real auth checks.

It prints the URLs and the CIAMCTL_INTOUCH_* variables that point ciamctl at
the platform emulator. The credentials are the emulator's own test values.

With --addr HOST:PORT the CIAM listens on PORT and the Intouch API on PORT+1;
port 0 (the default) lets the system pick both; a port already in use is
exit 3. --env-file writes the variables, and the CIAM's issuer and client ID
(CIAMCTL_CIAM_ISSUER, CIAMCTL_CIAM_CLIENT_ID), as shell assignments once
both listen, so a script can start the sandbox in the background and wait
for the file; the file is removed when the sandbox stops.

--export-users FILE writes the CIAM's users as a user export would give them:
one claims object per line, in the shape the ID token carries, ready for
'ciamctl mapping dry-run --batch FILE'. --export-tokens FILE writes one ID
token per user, signed by this sandbox, for 'mapping dry-run --batch FILE
--tokens'. Both are written once both emulators listen, readable by you only.

The platform emulator answers as a plain org unless told to be stricter, as
real orgs may be:
  --mandatory-field NAME   the org's registration rules: adding a customer
                           without NAME (firstName, lastName, mobile, email,
                           externalId or a custom field) answers HTTP 403
                           "Mandatory field is missing" (repeatable)
  --rate-limit N           N calls per API key per minute, HTTP 429 beyond
                           (no Retry-After, as the platform documents none)
  --deny-source-type TYPE  the API may not create TYPE accounts (code 3218;
                           e.g. OAUTH_EXTERNAL, created in the UI) (repeatable)
  --parent-org ID          the credentials belong to org ID, the parent of the
                           emulated org: calls reach it only with
                           X-CAP-API-AUTH-ORG-ID`,
		Example: `  ciamctl sandbox
  ciamctl sandbox --addr 127.0.0.1:8080
  ciamctl sandbox --env-file sandbox.env &   # then: . ./sandbox.env
  ciamctl sandbox --basic                    # Basic credentials instead of OAuth
  ciamctl sandbox --rate-limit 2 --mandatory-field lastName --deny-source-type OAUTH_EXTERNAL
  ciamctl sandbox -o json
  ciamctl sandbox --export-users users.jsonl --export-tokens tokens.txt`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.RateLimit < 0 {
				return cmdutil.FlagErrorf("--rate-limit %d: give the calls allowed per API key per minute, or 0 for no limit", opts.RateLimit)
			}
			for _, v := range append(append([]string{}, opts.MandatoryFields...), opts.DenySourceTypes...) {
				if strings.TrimSpace(v) == "" {
					return cmdutil.FlagErrorf("--mandatory-field and --deny-source-type take a name, not an empty value")
				}
			}
			for flag, path := range map[string]string{"--export-users": opts.UsersFile, "--export-tokens": opts.TokensFile} {
				if path == "-" {
					return cmdutil.FlagErrorf("%s -: stdout is where the sandbox describes itself; name a file", flag)
				}
			}
			if opts.ParentOrg != "" && !isOrgID(opts.ParentOrg) {
				return cmdutil.FlagErrorf("--parent-org %q: an org ID is a positive whole number", opts.ParentOrg)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "loopback HOST:PORT for the CIAM; the Intouch API takes PORT+1 (port 0: any free ports)")
	fl.StringVar(&opts.ClientID, "client-id", sandbox.DefaultClientID, "OAuth client ID of the emulated CIAM application (the ID token audience)")
	fl.StringVar(&opts.Seed, "seed", "", "make keys and user IDs reproducible across runs")
	fl.StringVar(&opts.EnvFile, "env-file", "", "also write the CIAMCTL_INTOUCH_* and CIAM assignments to this file (removed when the sandbox stops)")
	fl.BoolVar(&opts.Basic, "basic", false, "print Basic credentials (username, password) instead of the OAuth key and secret")
	fl.StringVar(&opts.UsersFile, "export-users", "", "write the CIAM's users as claims JSON Lines to `FILE` (for mapping dry-run --batch)")
	fl.StringVar(&opts.TokensFile, "export-tokens", "", "write an ID token per user to `FILE` (for mapping dry-run --batch --tokens)")
	fl.StringArrayVar(&opts.MandatoryFields, "mandatory-field", nil, "make the platform's registration rules require NAME on add customer (repeatable)")
	fl.IntVar(&opts.RateLimit, "rate-limit", 0, "limit the platform to N calls per API key per minute (0: no limit)")
	fl.StringArrayVar(&opts.DenySourceTypes, "deny-source-type", nil, "refuse creating TYPE channel accounts through the API, code 3218 (repeatable)")
	fl.StringVar(&opts.ParentOrg, "parent-org", "", "give the credentials to org ID, the emulated org's parent (calls need X-CAP-API-AUTH-ORG-ID)")
	_ = cmd.MarkFlagFilename("env-file")
	_ = cmd.MarkFlagFilename("export-users", "jsonl")
	_ = cmd.MarkFlagFilename("export-tokens", "txt")
	return cmd
}

func isOrgID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0
}

// Rules are the platform emulator's org rules, as set by flags.
type Rules struct {
	MandatoryFields    []string `json:"mandatoryFields,omitempty"`
	RateLimitPerMinute int      `json:"rateLimitPerMinute,omitempty"`
	DeniedSourceTypes  []string `json:"deniedSourceTypes,omitempty"`
	ParentOrg          string   `json:"parentOrg,omitempty"`
}

func (o *Options) platform() intouchemu.Options {
	p := intouchemu.Options{MandatoryFields: o.MandatoryFields, RateLimitPerMinute: o.RateLimit, CredentialsOrgID: o.ParentOrg, CredentialsOrgIsParent: o.ParentOrg != ""}
	for _, t := range o.DenySourceTypes {
		p.APIDeniedSourceTypes = append(p.APIDeniedSourceTypes, strings.ToUpper(strings.TrimSpace(t)))
	}
	return p
}

// Info is what the sandbox prints: everything needed to use it.
type Info struct {
	CIAM    CIAMInfo          `json:"ciam"`
	Intouch IntouchInfo       `json:"intouch"`
	Env     map[string]string `json:"env"`
}

// CIAMInfo describes the CIAM emulator.
type CIAMInfo struct {
	Issuer       string   `json:"issuer"`
	Discovery    string   `json:"discovery"`
	JWKSURI      string   `json:"jwksUri"`
	Authorize    string   `json:"authorizationEndpoint"`
	Token        string   `json:"tokenEndpoint"`
	Userinfo     string   `json:"userinfoEndpoint"`
	EndSession   string   `json:"endSessionEndpoint"`
	Revocation   string   `json:"revocationEndpoint"`
	AdminUsers   string   `json:"adminUsers"`
	AdminToken   string   `json:"adminToken"`
	ClientID     string   `json:"clientId"`
	Users        []string `json:"users"`
	UserPassword string   `json:"userPassword"`
}

// IntouchInfo describes the Intouch API emulator.
type IntouchInfo struct {
	URL   string `json:"url"`
	OrgID string `json:"orgId"`
	Rules *Rules `json:"rules,omitempty"`
}

func run(ctx context.Context, opts *Options) error {
	f := opts.Factory
	sb, err := sandbox.Start(sandbox.Options{Addr: opts.Addr, ClientID: opts.ClientID, Seed: opts.Seed, Platform: opts.platform()})
	var listenErr *net.OpError
	switch {
	case errors.As(err, &listenErr):
		// A port in use (or not ours to take) is the machine's state, not a
		// wrong flag: exit 3, as for a file that cannot be written.
		return cmdutil.WithHint(listenFailed{fmt.Errorf("--addr %s: %w", opts.Addr, listenErr)},
			"another process may be listening there; pick other ports, or 127.0.0.1:0 for any free ones")
	case err != nil:
		return cmdutil.FlagErrorf("--addr: %s", strings.TrimPrefix(err.Error(), "ciamemu: "))
	}
	defer sb.Close()

	env := sb.Env(opts.Basic)
	info := describe(sb, opts.Basic)
	if opts.EnvFile != "" {
		ciam := []string{cmdutil.EnvCIAMIssuer + "=" + info.CIAM.Issuer, cmdutil.EnvCIAMClientID + "=" + info.CIAM.ClientID}
		if err := atomicfile.WriteFile(opts.EnvFile, []byte(exportLines(append(env, ciam...), "")), 0o600); err != nil {
			return workspace.IOError("writing", opts.EnvFile, err)
		}
		// It describes a sandbox that is gone once this returns; a script
		// waiting for it must not find a stale one.
		defer os.Remove(opts.EnvFile)
	}
	if err := exportUsers(sb, opts.UsersFile, opts.TokensFile); err != nil {
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, info); err != nil {
			return err
		}
	} else {
		printText(f, info, env)
	}
	if opts.Ready != nil {
		opts.Ready(sb)
	}
	<-ctx.Done()
	fmt.Fprintln(f.IOStreams.ErrOut, "sandbox stopped")
	return nil
}

// listenFailed is a failure to listen: exit 3 (workspace.ErrIO) without
// adding that sentinel's text.
type listenFailed struct{ err error }

func (e listenFailed) Error() string      { return e.err.Error() }
func (e listenFailed) Unwrap() error      { return e.err }
func (listenFailed) Is(target error) bool { return target == workspace.ErrIO }

// exportUsers writes the users' claims and tokens where asked: personal
// data and credentials, so readable by the user only.
func exportUsers(sb *sandbox.Sandbox, usersFile, tokensFile string) error {
	for _, e := range []struct {
		path  string
		write func(w io.Writer) error
	}{
		{usersFile, func(w io.Writer) error { return sb.CIAM.ExportUsers(w, sb.Issuer) }},
		{tokensFile, func(w io.Writer) error { return sb.CIAM.ExportTokens(w, ciamemu.TokenOptions{}) }},
	} {
		if e.path == "" {
			continue
		}
		var b strings.Builder
		if err := e.write(&b); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(e.path, []byte(b.String()), 0o600); err != nil {
			return workspace.IOError("writing", e.path, err)
		}
	}
	return nil
}

func describe(sb *sandbox.Sandbox, basic bool) Info {
	info := Info{
		CIAM: CIAMInfo{
			Issuer:       sb.Issuer,
			Discovery:    sb.DiscoveryURL(),
			JWKSURI:      sb.JWKSURL(),
			Authorize:    sb.Issuer + ciamemu.PathAuthorize,
			Token:        sb.TokenURL(),
			Userinfo:     sb.UserinfoURL(),
			EndSession:   sb.Issuer + ciamemu.PathEndSession,
			Revocation:   sb.Issuer + ciamemu.PathRevoke,
			AdminUsers:   sb.Issuer + ciamemu.PathAdminUsers,
			AdminToken:   sb.CIAM.AdminToken(),
			ClientID:     sb.CIAM.ClientID(),
			UserPassword: "password",
		},
		Intouch: IntouchInfo{URL: sb.IntouchURL, OrgID: sb.Intouch.Options().OrgID},
		Env:     map[string]string{},
	}
	if o := sb.Intouch.Options(); len(o.MandatoryFields) > 0 || o.RateLimitPerMinute > 0 || len(o.APIDeniedSourceTypes) > 0 || o.CredentialsOrgIsParent {
		info.Intouch.Rules = &Rules{MandatoryFields: o.MandatoryFields, RateLimitPerMinute: o.RateLimitPerMinute, DeniedSourceTypes: o.APIDeniedSourceTypes}
		if o.CredentialsOrgIsParent {
			info.Intouch.Rules.ParentOrg = o.CredentialsOrgID
		}
	}
	for _, u := range sb.CIAM.Users() {
		info.CIAM.Users = append(info.CIAM.Users, u.Username)
	}
	sb.SetEnv(info.Env, basic)
	return info
}

// exportLines renders KEY=VALUE pairs as POSIX shell export lines.
func exportLines(env []string, indent string) string {
	var b strings.Builder
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "%sexport %s=%s\n", indent, k, cmdutil.ShellQuote(v))
	}
	return b.String()
}

func printText(f *cmdutil.Factory, info Info, env []string) {
	cs := f.IOStreams.ColorScheme()
	w := f.IOStreams.Out
	row := func(k, v string) { fmt.Fprintf(w, "  %-10s %s\n", k, v) }
	fmt.Fprintln(w, cs.Bold("CIAM emulator (OpenID Connect)"))
	row("issuer", info.CIAM.Issuer)
	row("discovery", info.CIAM.Discovery)
	row("jwks", info.CIAM.JWKSURI)
	row("authorize", info.CIAM.Authorize)
	row("token", info.CIAM.Token)
	row("userinfo", info.CIAM.Userinfo)
	row("logout", info.CIAM.EndSession)
	row("revocation", info.CIAM.Revocation)
	row("client ID", info.CIAM.ClientID)
	row("users", strings.Join(info.CIAM.Users, ", ")+` (password "`+info.CIAM.UserPassword+`")`)
	fmt.Fprintln(w)
	fmt.Fprintln(w, cs.Bold(fmt.Sprintf("Intouch API emulator (org %s)", info.Intouch.OrgID)))
	row("url", info.Intouch.URL)
	if r := info.Intouch.Rules; r != nil {
		if len(r.MandatoryFields) > 0 {
			row("mandatory", strings.Join(r.MandatoryFields, ", ")+" (add customer answers 403 without them)")
		}
		if r.RateLimitPerMinute > 0 {
			row("rate limit", fmt.Sprintf("%d calls per API key per minute (then HTTP 429)", r.RateLimitPerMinute))
		}
		if len(r.DeniedSourceTypes) > 0 {
			row("no API", strings.Join(r.DeniedSourceTypes, ", ")+" accounts cannot be created through the API (3218)")
		}
		if r.ParentOrg != "" {
			row("parent org", r.ParentOrg+" holds the credentials; calls carry X-CAP-API-AUTH-ORG-ID: "+info.Intouch.OrgID)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, cs.Bold("Point ciamctl at it:"))
	fmt.Fprint(w, exportLines(env, "  "))
	fmt.Fprintln(w)
	fmt.Fprintln(w, cs.Bold("Then try:"))
	printTry(w, info)
	fmt.Fprintln(w)
	fmt.Fprintln(w, cs.Gray("Ctrl-C stops the sandbox."))
}

func printTry(w io.Writer, info Info) {
	user := "alice"
	if len(info.CIAM.Users) > 0 {
		user = info.CIAM.Users[0]
	}
	fmt.Fprintf(w, "  ciamctl brand add --name sandbox --application-id sandbox-app --client-id %s \\\n", info.CIAM.ClientID)
	fmt.Fprintf(w, "      --discover %s --map firstname=given_name --map lastname=family_name \\\n", info.CIAM.Issuer)
	fmt.Fprintln(w, "      --map email=email --map mobile=phone_number")
	fmt.Fprintln(w, "  ciamctl channel link --brand sandbox")
	fmt.Fprintln(w, "  # sign in as a seeded user: scripted (password flow), or in your browser (code flow)")
	fmt.Fprintf(w, "  TOKEN=$(%s=%s ciamctl token fetch --brand sandbox --flow password --username %s)\n", cmdutil.EnvCIAMPassword, cmdutil.ShellQuote(info.CIAM.UserPassword), user)
	fmt.Fprintln(w, "  TOKEN=$(ciamctl token fetch --brand sandbox)")
	fmt.Fprintln(w, `  ciamctl flow login --brand sandbox "$TOKEN" --apply`)
	fmt.Fprintln(w, `  ciamctl customer register --brand sandbox --source INSTORE "$TOKEN" --field city=Leeds --apply`)
	fmt.Fprintln(w, "  # change the user in the CIAM (the admin API), then sign in and log in again:")
	fmt.Fprintf(w, "  curl -s -X PATCH %s/%s -H 'Authorization: Bearer %s' \\\n", info.CIAM.AdminUsers, user, info.CIAM.AdminToken)
	fmt.Fprintln(w, `      -d '{"family_name":"Smith","phone_number":"+44 7700 900123"}'`)
}
