// Package flowcmd implements `ciamctl flow …`: the gateway's flows run by hand
// against the platform, to see (and, with --apply, do) what a login does.
package flowcmd

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cli/mappingcmd"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/mapping"
)

// NewCmdFlow builds the `flow` command group.
func NewCmdFlow(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "flow <command>",
		Short: "Run the gateway's login, profile-update and logout flows",
		Args:  cobra.ArbitraryArgs,
		Example: `  ciamctl flow login --brand acme "$ID_TOKEN"
  ciamctl flow login --brand acme "$ID_TOKEN" --apply
  ciamctl flow logout --brand acme --id-token-hint "$ID_TOKEN" --access-token "$ACCESS_TOKEN" --apply`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdLogin(f, nil), NewCmdLogout(f, nil))
	return cmd
}

// LoginOptions holds the dependencies and flags of `flow login`.
type LoginOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags

	Brand   string
	Args    []string
	Apply   bool
	NoCache bool
}

// NewCmdLogin builds `flow login`.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "login --brand NAME [TOKEN | -] [--apply]",
		Short: "Do what the gateway does when a CIAM user logs in",
		Long: `Run the gateway's login logic for an ID token:

  1. verify the token with the brand's policy (keys from its jwksUri);
  2. map its claims to a customer profile (see ` + "`ciamctl mapping dry-run`" + `);
  3. look the customer up by cuid (the token's sub) under OAUTH_EXTERNAL and the
     brand's channel account; lookup by cuid is an inferred call, so when the
     org answers 8015 ("not found") the token's mobile, then email, are tried
     too; a merged customer (8069) is followed to the survivor;
  4. create the customer when absent (POST /v2/customers), otherwise compare the
     mapped fields with the stored profile and update changed names with
     PUT /v2/customers/{id} (the profile-update flow).

A mobile or email that differs is not changed: an identifier change is two
steps, the CIAM first, then a separate platform identifier update made by the
app. The login reports it (identifierChanges) and prints the exact step 2
command, ` + "`ciamctl customer change-identifier`" + `; the login itself succeeded.

Without --apply only the read calls (lookup, get) are made, and the calls that
would change the platform are printed with their bodies. With --apply they are
made. Exit 1 when the token is invalid or maps to no usable profile, 2 when the
brand's file has errors (it is never used), 3 when the JWKS or the platform
cannot be reached.

Every warning the platform answers is shown and kept (-o json: warnings), with
notes on what was made of it.

The platform is --intouch-url or --cluster, else $CIAMCTL_INTOUCH_URL, else the
brand's cluster; the org is --org-id, else $CIAMCTL_INTOUCH_ORG_ID, else the
brand's orgId. The platform limits calls per API key per minute: after a
refusal (HTTP 429) the command waits for the next minute when --timeout leaves
room for it, and otherwise stops at once, saying which --timeout would do.`,
		Example: `  ciamctl flow login --brand acme "$ID_TOKEN"            # print the calls it would make
  ciamctl flow login --brand acme "$ID_TOKEN" --apply    # make them
  pbpaste | ciamctl flow login --brand acme - --apply -o json`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Args = args
			if opts.Brand == "" {
				return cmdutil.FlagErrorf("missing --brand: the brand whose gateway configuration to use, e.g. --brand acme")
			}
			if runF != nil {
				return runF(opts)
			}
			return loginRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose policy, mappings and channel account to use (required)")
	fl.BoolVar(&opts.Apply, "apply", false, "make the calls that create or update the customer (default: print them)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even if a cached copy is fresh")
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	return cmd
}

// Outcomes of a login.
const (
	OutcomeRejected       = "rejected"        // the token is invalid
	OutcomeInvalidProfile = "invalid_profile" // the claims map to no usable profile
	OutcomeCreated        = "created"
	OutcomeUpdated        = "updated"
	OutcomeUnchanged      = "unchanged"
	OutcomeWouldCreate    = "would_create" // without --apply
	OutcomeWouldUpdate    = "would_update" // without --apply
)

// LoginResult is `flow login -o json`.
type LoginResult struct {
	Outcome    string                `json:"outcome"`
	Applied    bool                  `json:"applied"`
	CustomerID *int64                `json:"customerId"`
	CUID       string                `json:"cuid"`
	Source     string                `json:"source"`
	AccountID  string                `json:"accountId"`
	Token      mappingcmd.TokenCheck `json:"token"`
	Profile    mapping.Profile       `json:"profile"`
	// Changes are the name changes the login's profile update makes.
	Changes mapping.Changes `json:"changes"`
	// IdentifierChanges are mapped mobiles and emails that differ from the platform's: the login does not
	// change them; ChangeIdentifierCommands are the step 2 commands that do.
	IdentifierChanges        []mapping.IdentifierChange `json:"identifierChanges"`
	ChangeIdentifierCommands []string                   `json:"changeIdentifierCommands,omitempty"`
	Calls                    []cmdutil.Call             `json:"calls"`
	Problems                 []mapping.Problem          `json:"problems"`
	// Warnings are every warning the platform answered, as it did; Notes
	// say what the flow made of them (merges followed, lookups fallen back).
	Warnings []intouch.Item `json:"warnings,omitempty"`
	Notes    []string       `json:"notes,omitempty"`
}

func loginRun(o *LoginOptions) error {
	f := o.Factory
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	if cfg.Channel == nil || cfg.Channel.AccountID == "" {
		return cmdutil.WithHint(cmdutil.FlagErrorf("brand %q records no OAUTH_EXTERNAL channel account", o.Brand),
			"run `ciamctl channel link --brand %s` first", o.Brand)
	}
	accountID := cfg.Channel.AccountID
	token, err := f.ReadToken(o.Args)
	if err != nil {
		return err
	}
	out := LoginResult{Applied: o.Apply, Source: intouch.SourceOAuthExternal, AccountID: accountID,
		Changes: mapping.Changes{}, IdentifierChanges: []mapping.IdentifierChange{}, Calls: []cmdutil.Call{}, Problems: []mapping.Problem{}}

	stop := f.IOStreams.StartProgress("Verifying the token")
	raw, check, err := mappingcmd.VerifyToken(o.Ctx, f, cfg, token, o.NoCache)
	stop()
	if err != nil {
		return err
	}
	out.Token = check
	mapped := mappingcmd.Map(raw, cfg)
	out.Profile, out.CUID = mapped.Profile, mapped.Profile.CUID()
	if !check.Verified {
		mappingcmd.Reject(&mapped, &check, len(raw) > 0)
		out.Outcome = OutcomeRejected
	} else if !mapped.OK {
		out.Outcome = OutcomeInvalidProfile
	}
	out.Problems = mapped.Problems
	if out.Outcome != "" {
		return finish(f, out, cmdutil.ErrFailed)
	}

	client, err := f.IntouchForBrand(o.Intouch, cfg)
	if err != nil {
		return err
	}
	stop = f.IOStreams.StartProgress("Calling the platform")
	err = run(o.Ctx, client, cfg.Brand, o.Apply, mapped.Profile, &out)
	stop()
	if err != nil {
		// Show what was done before the failure, then fail.
		if f.Globals.Output == cmdutil.FormatText {
			cmdutil.WriteCalls(f.IOStreams.Out, f.IOStreams.ColorScheme(), out.Calls)
		}
		return cmdutil.IntouchError(err)
	}
	return finish(f, out, nil)
}

// run is the gateway's login logic proper: lookup, then create or update.
func run(ctx context.Context, c *intouch.Client, brandName string, apply bool, p mapping.Profile, out *LoginResult) error {
	src, acc, cuid := intouch.SourceOAuthExternal, out.AccountID, out.CUID
	id, found, err := findCustomer(ctx, c, p, out)
	if err != nil {
		return err
	}

	if !found {
		req := intouch.BuildAddCustomer(intouch.NewCustomer{CUID: cuid, FirstName: p.FirstName, LastName: p.LastName,
			Mobile: p.Mobile, Email: p.Email, AccountID: acc})
		addQuery, err := intouch.AddCustomerQuery(req)
		if err != nil {
			return err
		}
		add := cmdutil.NewCall(intouch.EPAddCustomer, nil, addQuery, req)
		out.Outcome = OutcomeWouldCreate
		if !apply {
			add.Result = cmdutil.NotSent
			out.Calls = append(out.Calls, add)
			return nil
		}
		created, err := c.AddCustomer(ctx, req)
		if err != nil {
			add.Result = "failed"
			out.Calls = append(out.Calls, add)
			return err
		}
		add.Made, add.Result = true, fmt.Sprintf("created customer %d", created.CreatedID)
		if created.Merged() {
			add.Result = fmt.Sprintf("merged into customer %d of another source (8050)", created.CreatedID)
		}
		out.Calls = append(out.Calls, add)
		out.Warnings = append(out.Warnings, created.Warnings...)
		out.Outcome, out.CustomerID = OutcomeCreated, &created.CreatedID
		return nil
	}

	out.CustomerID = &id
	sq := url.Values{"source": {src}, "accountId": {acc}}
	get := cmdutil.NewCall(intouch.EPGetCustomer, map[string]string{"id": strconv.FormatInt(id, 10)}, sq, nil)
	cust, err := c.GetCustomer(ctx, id, src, acc)
	if err != nil {
		return err
	}
	get.Made, get.Result = true, "ok"
	out.Calls = append(out.Calls, get)
	id = survivor(id, cust, out)
	stored, _ := cust.Profile(src, acc)
	out.Changes = mapping.Diff(stored, p)
	if out.Changes == nil {
		out.Changes = mapping.Changes{}
	}
	out.IdentifierChanges = out.Changes.Identifiers()
	out.ChangeIdentifierCommands = changeIdentifierCommands(brandName, cuid, out.IdentifierChanges)
	out.Changes = out.Changes.Names()
	up, ok := out.Changes.ProfileUpdate()
	if !ok {
		// Only identifiers differ: the login changes nothing (step 2 is the app's call).
		out.Outcome = OutcomeUnchanged
		return nil
	}
	out.Outcome = OutcomeWouldUpdate
	w := cmdutil.NewCall(intouch.EPUpdateCustomer, map[string]string{"id": strconv.FormatInt(id, 10)}, sq, up)
	if !apply {
		w.Result = cmdutil.NotSent
		out.Calls = append(out.Calls, w)
		return nil
	}
	if err := written(c.UpdateCustomer(ctx, id, src, acc, up))(out); err != nil {
		w.Result = "failed"
		out.Calls = append(out.Calls, w)
		return err
	}
	w.Made, w.Result = true, "ok"
	out.Calls = append(out.Calls, w)
	out.Outcome = OutcomeUpdated
	return nil
}

// changeIdentifierCommands are the exact step 2 commands, one per changed
// identifier. The ID token that carried the new value is the fresh token
// step 2 wants; it is shown as a variable, never echoed.
func changeIdentifierCommands(brandName, cuid string, changes []mapping.IdentifierChange) []string {
	out := []string{}
	for _, ch := range changes {
		out = append(out, fmt.Sprintf(`ciamctl customer change-identifier --brand %s --cuid %s --%s %s --token "$ID_TOKEN"`,
			cmdutil.ShellQuote(brandName), cmdutil.ShellQuote(cuid), ch.Type, cmdutil.ShellQuote(ch.To)))
	}
	return out
}

func finish(f *cmdutil.Factory, out LoginResult, failure error) error {
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out); err != nil {
			return err
		}
		return failure
	}
	if err := writeText(f.IOStreams.Out, f.IOStreams.ColorScheme(), out); err != nil {
		return err
	}
	return failure
}

// writeText prints the login's result. The token's claims and the
// platform's answers pass through iostreams.SafeText on the way.
func writeText(w io.Writer, cs *iostreams.ColorScheme, r LoginResult) error {
	safe := iostreams.SafeText
	var b strings.Builder
	if r.Token.Verified {
		fmt.Fprintf(&b, "%s Token verified (%s)\n", cs.SuccessIcon(), safe(r.Token.Alg))
	} else {
		fmt.Fprintf(&b, "%s Token rejected: %s\n", cs.FailureIcon(), safe(r.Token.Error))
	}
	if r.Outcome == OutcomeRejected {
		b.WriteString("The gateway stops here: no platform call is made.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	p := r.Profile
	if r.Outcome == OutcomeInvalidProfile {
		fmt.Fprintf(&b, "%s The claims map to no usable profile:\n", cs.FailureIcon())
		for _, pr := range r.Problems {
			if pr.Severity == mapping.SeverityError {
				fmt.Fprintf(&b, "  %s %s: %s\n", cs.Red("error"), safe(pr.Field), safe(pr.Message))
			}
		}
		b.WriteString("The gateway stops here; `ciamctl mapping dry-run` shows the details.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%s Mapped cuid %s: %s\n", cs.SuccessIcon(), safe(r.CUID), safe(summary(p)))
	for _, pr := range r.Problems {
		fmt.Fprintf(&b, "  %s %s: %s\n", cs.Yellow(string(pr.Severity)), safe(pr.Field), safe(pr.Message))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	cmdutil.WriteCalls(w, cs, r.Calls)
	writeWarningsAndNotes(w, cs, r)
	if len(r.Changes) > 0 {
		fmt.Fprintln(&b, "Changes")
		for _, c := range r.Changes {
			fmt.Fprintf(&b, "  %-10s %s → %s\n", c.Field, safe(strconv.Quote(c.Old)), safe(strconv.Quote(c.New)))
		}
	}
	writeIdentifierChanges(&b, cs, r)
	id := int64(0)
	if r.CustomerID != nil {
		id = *r.CustomerID
	}
	switch r.Outcome {
	case OutcomeCreated:
		fmt.Fprintf(&b, "%s Created customer %d with cuid %s under %s/%s\n", cs.SuccessIcon(), id, safe(r.CUID), safe(r.Source), safe(r.AccountID))
	case OutcomeUpdated:
		fmt.Fprintf(&b, "%s Updated customer %d (%d %s)\n", cs.SuccessIcon(), id, len(r.Changes), cmdutil.Plural(len(r.Changes), "change"))
	case OutcomeUnchanged:
		if len(r.IdentifierChanges) > 0 {
			fmt.Fprintf(&b, "%s Logged in: customer %d's names are up to date; its identifiers change only through step 2 above\n", cs.SuccessIcon(), id)
			break
		}
		fmt.Fprintf(&b, "%s Customer %d is up to date; nothing to change\n", cs.SuccessIcon(), id)
	case OutcomeWouldCreate:
		fmt.Fprintf(&b, "No customer has cuid %s yet: the gateway would create it.\n", safe(r.CUID))
		b.WriteString(cs.Gray("Dry run: only read calls were made; pass --apply to make the calls above.") + "\n")
	case OutcomeWouldUpdate:
		fmt.Fprintf(&b, "Customer %d differs: the gateway would update it.\n", id)
		b.WriteString(cs.Gray("Dry run: only read calls were made; pass --apply to make the calls above.") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeIdentifierChanges says which identifiers the CIAM changed and prints
// the exact step 2 command for each: the login itself does not change them.
func writeIdentifierChanges(b *strings.Builder, cs *iostreams.ColorScheme, r LoginResult) {
	if len(r.IdentifierChanges) == 0 {
		return
	}
	safe := iostreams.SafeText
	fmt.Fprintln(b, "Identifier changes (not made at login)")
	for _, c := range r.IdentifierChanges {
		fmt.Fprintf(b, "  %-10s %s → %s\n", c.Type, safe(strconv.Quote(c.From)), safe(strconv.Quote(c.To)))
	}
	b.WriteString("The CIAM holds a new identifier: that was step 1 of the guide's two-step change. Step 2,\n" +
		"the platform's identifier update, is a separate call the app makes, never the login:\n")
	for _, cmd := range r.ChangeIdentifierCommands {
		fmt.Fprintf(b, "  %s\n", safe(cmd))
	}
	b.WriteString(cs.Gray("  ($ID_TOKEN is the ID token this login used; add --apply to send the change)") + "\n")
}

func summary(p mapping.Profile) string {
	var parts []string
	if name := strings.TrimSpace(p.FirstName + " " + p.LastName); name != "" {
		parts = append(parts, name)
	}
	if p.Mobile != "" {
		parts = append(parts, "mobile "+p.Mobile)
	}
	if p.Email != "" {
		parts = append(parts, "email "+p.Email)
	}
	return strings.Join(parts, ", ")
}
