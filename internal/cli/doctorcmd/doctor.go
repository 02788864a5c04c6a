// Package doctorcmd implements `ciamctl doctor`: every online check for one
// brand, one line each.
package doctorcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/probe"
	"github.com/ciamctl/ciamctl/internal/safefile"
)

// Options holds the dependencies and flags of `doctor`.
type Options struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags
	Brand   string
	NoCache bool
	// AccessToken, when given, makes the userinfo check call userinfo with it (token userinfo's check);
	// IDToken adds the sub and mapped-claim comparison.
	AccessToken string
	IDToken     string
}

// NewCmdDoctor builds `ciamctl doctor`.
func NewCmdDoctor(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "doctor --brand NAME",
		Short: "Run every online check for one brand, one line each",
		Long: `Check everything one brand needs, one line per check:

  config     the brand file is valid
  discovery  the issuer's discovery document matches (when an issuer is set)
  jwks       the key set loads and can verify an allowed algorithm
  userinfo   the userinfo endpoint answers (a 401 without a token counts); with
             --access-token it must answer that token (with --id-token, for the
             same sub), as ` + "`ciamctl token userinfo`" + ` checks
  intouch    the platform API accepts the credentials, and says whose: a
             --profile, the CIAMCTL_INTOUCH_* variables, or the profile
             for the brand's orgId and cluster (ciamctl auth login)
  org        the credentials act for the brand's org: the access token's
             org_id is its orgId, or its parent (calls then carry
             X-CAP-API-AUTH-ORG-ID); Basic credentials carry no org (warning)
  channel    the org's OAUTH_EXTERNAL account recorded in the brand file exists

Every check runs even when an earlier one fails, so one run shows all that
is wrong. A brand file with errors is never used: discovery, jwks, userinfo,
org and channel are skipped, and intouch runs only when --org-id or the
environment names the org. Exit 0 when all pass (warnings allowed), 1 when
any fails.

The platform is --intouch-url or --cluster, else $CIAMCTL_INTOUCH_URL, else the
brand's cluster.`,
		Example: `  ciamctl doctor --brand acme
  ciamctl doctor --brand acme --access-token "$ACCESS_TOKEN" --id-token "$ID_TOKEN"
  ciamctl doctor --brand acme --cluster eu -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if opts.Brand == "" {
				return cmdutil.FlagErrorf("missing --brand: the brand to check, e.g. --brand acme")
			}
			if opts.IDToken != "" && opts.AccessToken == "" {
				return cmdutil.FlagErrorf("--id-token needs --access-token: the userinfo check compares the two")
			}
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand to check (required)")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even when a cached copy is fresh")
	cmd.Flags().StringVar(&opts.AccessToken, "access-token", "", "check userinfo with this access token instead of probing it without one")
	cmd.Flags().StringVar(&opts.IDToken, "id-token", "", "with --access-token: the ID token of the same sign-in, to compare sub and mapped claims")
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	return cmd
}

// Check is one line of the report.
type Check struct {
	Name     string   `json:"name"`
	Status   string   `json:"status"` // ok, warning, failed, skipped
	Detail   string   `json:"detail"`
	Problems []string `json:"problems,omitempty"`
}

// Report is the whole doctor run.
type Report struct {
	Brand  string  `json:"brand"`
	OK     bool    `json:"ok"`
	Checks []Check `json:"checks"`
}

const (
	statusOK      = "ok"
	statusWarning = "warning"
	statusFailed  = "failed"
	statusSkipped = "skipped"
)

func run(opts *Options) error {
	f := opts.Factory
	res, err := f.LoadBrandFile(opts.Brand)
	var skipped *safefile.SkipError
	if errors.As(err, &skipped) {
		res, err = brand.UnreadableFile(skipped.Path, "skipped: "+skipped.Reason), nil
	}
	if err != nil {
		return err
	}
	rep := Report{Brand: opts.Brand}
	rep.Checks = append(rep.Checks, configCheck(res))
	cfg := res.Config

	// A brand with errors is never used: nothing is fetched from its URLs and
	// nothing of it is sent to the platform. The checks that would use it
	// say so; the credentials are still checked when the org comes from
	// --org-id or the environment.
	broken := brand.HasErrors(res.Problems)
	skip := func(name string) Check {
		return Check{Name: name, Status: statusSkipped, Detail: "not checked: " + res.Path + " has errors, and a brand with errors is never used"}
	}

	stop := f.IOStreams.StartProgress("Checking " + opts.Brand)
	var (
		ciam     []probe.Result
		platform []Check
		userinfo *Check
		wg       sync.WaitGroup
	)
	if !broken {
		p := &probe.Prober{Client: f.HTTPClient(), Fetcher: f.JWKSFetcher(opts.NoCache), Timeout: f.Globals.Timeout}
		wg.Go(func() { platform = platformChecks(opts, cfg) })
		if opts.AccessToken == "" {
			wg.Go(func() { ciam = p.Brand(opts.Ctx, cfg) })
		} else {
			// With a token, userinfo is called with it instead of probed without one.
			ciam = make([]probe.Result, 2)
			wg.Go(func() { ciam[0] = p.Discovery(opts.Ctx, cfg) })
			wg.Go(func() { ciam[1] = p.JWKS(opts.Ctx, cfg) })
			wg.Go(func() { c := userinfoCheck(opts, cfg); userinfo = &c })
		}
	} else {
		wg.Go(func() { platform = []Check{credentialsOnly(opts, skip("intouch")), skip("org"), skip("channel")} })
	}
	wg.Wait()
	stop()

	if broken {
		for _, name := range []string{probe.CheckDiscovery, probe.CheckJWKS, probe.CheckUserinfo} {
			rep.Checks = append(rep.Checks, skip(name))
		}
	}
	for _, r := range ciam {
		rep.Checks = append(rep.Checks, fromProbe(r))
	}
	if userinfo != nil {
		rep.Checks = append(rep.Checks, *userinfo)
	}
	rep.Checks = append(rep.Checks, platform...)
	return finish(f, rep)
}

// credentialsOnly checks the platform credentials without any value of the
// brand: only when --org-id or the environment names the org; else skipped.
func credentialsOnly(opts *Options, skipped Check) Check {
	f := opts.Factory
	_, err := f.IntouchConfig(opts.Intouch, "")
	named := opts.Intouch.OrgID != "" || opts.Intouch.Profile != "" || strings.TrimSpace(f.Getenv(intouch.EnvOrgID)) != ""
	if err == nil && !named {
		return skipped
	}
	creds, _, _ := credentialsCheck(opts, nil)
	return creds
}

// add records a problem; an error fails the check, a warning marks a
// passing one.
func (c *Check) add(sev brand.Severity, problem string) {
	c.Problems = append(c.Problems, problem)
	if sev == brand.SeverityError {
		c.Status = statusFailed
	} else if c.Status == statusOK {
		c.Status = statusWarning
	}
}

func configCheck(res brand.FileResult) Check {
	c := Check{Name: "config", Status: statusOK, Detail: res.Path + " is valid"}
	for _, p := range res.Problems {
		c.add(p.Severity, fmt.Sprintf("%d:%d %s", p.Line, p.Column, p.Message))
	}
	switch c.Status {
	case statusFailed:
		c.Detail = res.Path + " has errors (see `ciamctl config validate`)"
	case statusWarning:
		c.Detail = res.Path + " is valid, with warnings"
	}
	return c
}

func fromProbe(r probe.Result) Check {
	c := Check{Name: r.Name, Status: statusOK, Detail: r.Summary}
	if r.Skipped {
		c.Status = statusSkipped
	}
	for _, fd := range r.Findings {
		c.add(fd.Severity, fd.Field+": "+fd.Message)
	}
	if c.Status == statusFailed && len(c.Problems) > 0 {
		c.Detail, c.Problems = c.Problems[0], c.Problems[1:]
	}
	return c
}

// userinfoCheck calls userinfo with the access token, as `token userinfo` does.
func userinfoCheck(opts *Options, cfg *brand.Config) Check {
	f := opts.Factory
	c := Check{Name: probe.CheckUserinfo, Status: statusOK}
	ctx := opts.Ctx // bounded by the command's one --timeout deadline
	rep, err := f.CheckUserinfo(ctx, cfg, strings.TrimSpace(opts.AccessToken), strings.TrimSpace(opts.IDToken), opts.NoCache)
	if err != nil {
		c.Status, c.Detail = statusFailed, "userinfo with the access token: "+oneLine(err)
		return c
	}
	for _, p := range rep.Problems {
		c.add(brand.SeverityError, p)
	}
	if c.Status == statusFailed {
		c.Detail, c.Problems = c.Problems[0], c.Problems[1:]
		return c
	}
	c.Detail = fmt.Sprintf("%s answers the access token for sub %s (%d %s)", rep.Endpoint, rep.Sub, len(rep.Claims), cmdutil.Plural(len(rep.Claims), "claim"))
	if rep.SubMatches != nil {
		c.Detail += "; sub is the ID token's"
		for _, m := range rep.Mappings {
			if !m.Same {
				c.add(brand.SeverityWarning, fmt.Sprintf("%s (claim %s): the ID token has %q, userinfo %q; the gateway maps the ID token's", m.Field, m.Claim, m.IDToken, m.Userinfo))
			}
		}
	}
	return c
}

// platformChecks: the credentials, the org they act on, then the channel
// account they can see.
func platformChecks(opts *Options, cfg *brand.Config) []Check {
	channel := Check{Name: "channel", Status: statusSkipped, Detail: "not checked: no platform access"}
	creds, access, client := credentialsCheck(opts, cfg)
	org := orgCheck(opts, client, cfg, access != nil)
	if access == nil {
		return []Check{creds, org, channel}
	}
	ch := cfg.Channel
	if ch == nil || ch.AccountID == "" {
		channel.Status, channel.Detail = statusFailed, "the brand file records no channel account; run `ciamctl channel link --brand "+cfg.Brand+"`"
		return []Check{creds, org, channel}
	}
	if a, ok := intouch.FindOAuthExternal(access.accounts, ch.AccountID, ""); ok {
		channel.Status = statusOK
		channel.Detail = fmt.Sprintf("OAUTH_EXTERNAL account %q (%s) exists", a.Name, a.SourceAccountIdentifier)
		if !a.IsActive {
			channel.Status, channel.Detail = statusWarning, channel.Detail+" but is inactive"
		}
		if ch.AccountName != "" && a.Name != ch.AccountName {
			channel.add(brand.SeverityWarning, fmt.Sprintf("the brand file records the name %q; `ciamctl channel link --brand %s` records the platform's", ch.AccountName, cfg.Brand))
		}
	} else {
		channel.Status = statusFailed
		channel.Detail = fmt.Sprintf("org %s has no OAUTH_EXTERNAL account %q any more; customers created under it are unreachable through the gateway until it is restored, or run `ciamctl channel link --brand %s` to link another (see its help on re-linking)", access.org, ch.AccountID, cfg.Brand)
	}
	return []Check{creds, org, channel}
}

// platformAccess is what a passing credentials check saw.
type platformAccess struct {
	org      string
	accounts []intouch.ChannelAccount
}

// credentialsCheck authenticates and lists the org's channel accounts;
// access is nil when that failed, client when the credentials were refused
// (or the configuration is incomplete).
func credentialsCheck(opts *Options, cfg *brand.Config) (Check, *platformAccess, *intouch.Client) {
	f := opts.Factory
	creds := Check{Name: "intouch", Status: statusOK}
	client, err := f.IntouchForBrand(opts.Intouch, cfg)
	if err != nil {
		creds.Status, creds.Detail = statusFailed, oneLine(err)
		return creds, nil, nil
	}
	if err := client.Authenticate(opts.Ctx); err != nil {
		creds.Status, creds.Detail = statusFailed, oneLine(err)+" (credentials from "+client.CredentialsFrom()+")"
		return creds, nil, nil
	}
	accounts, err := client.ListChannelAccounts(opts.Ctx)
	if err != nil {
		creds.Status, creds.Detail = statusFailed, oneLine(err)+" (credentials from "+client.CredentialsFrom()+")"
		return creds, nil, client
	}
	creds.Detail = fmt.Sprintf("%s accepts the credentials from %s for org %s", client.BaseURL(), client.CredentialsFrom(), client.OrgID())
	return creds, &platformAccess{org: client.OrgID(), accounts: accounts}, client
}

func oneLine(err error) string {
	var he *cmdutil.HintError
	msg := err.Error()
	if errors.As(cmdutil.IntouchError(err), &he) && he.Hint != "" {
		msg += " (" + he.Hint + ")"
	}
	return strings.Join(strings.Fields(msg), " ")
}

func finish(f *cmdutil.Factory, rep Report) error {
	rep.OK = true
	for _, c := range rep.Checks {
		if c.Status == statusFailed {
			rep.OK = false
		}
	}
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep); err != nil {
			return err
		}
	} else {
		printText(f, rep)
	}
	if !rep.OK {
		return cmdutil.ErrFailed
	}
	return nil
}

func printText(f *cmdutil.Factory, rep Report) {
	cs := f.IOStreams.ColorScheme()
	w := f.IOStreams.Out
	failed := 0
	for _, c := range rep.Checks {
		icon := cs.SuccessIcon()
		switch c.Status {
		case statusWarning:
			icon = cs.WarningIcon()
		case statusFailed:
			icon = cs.FailureIcon()
			failed++
		case statusSkipped:
			icon = cs.Gray("-")
		}
		if f.IOStreams.Quiet() && (c.Status != statusWarning && c.Status != statusFailed) {
			continue // -q: only what needs attention
		}
		// Details quote the brand file, the CIAM and the platform.
		fmt.Fprintf(w, "%s %-10s %s\n", icon, c.Name, iostreams.SafeText(c.Detail))
		for _, p := range c.Problems {
			fmt.Fprintf(w, "  %-10s %s\n", "", cs.Gray(iostreams.SafeText(p)))
		}
	}
	if failed == 0 && f.IOStreams.Quiet() {
		return
	}
	if failed == 0 {
		fmt.Fprintf(w, "%s is ready\n", iostreams.SafeText(rep.Brand))
	} else {
		fmt.Fprintf(w, "%s: %d %s failed\n", iostreams.SafeText(rep.Brand), failed, cmdutil.Plural(failed, "check"))
	}
}
