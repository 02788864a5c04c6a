package channelcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// LinkOptions holds the dependencies and flags of `channel link`.
type LinkOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags

	Brand       string
	AccountName string
	AccountID   string
	DryRun      bool
	Force       bool

	// confirm asks whether to re-link (a terminal form; tests may replace it).
	confirm func(*LinkOptions, *errRelink) (bool, error)
	// confirmedTo is the account a confirmed re-link goes to.
	confirmedTo string
}

// NewCmdLink builds `channel link`.
func NewCmdLink(f *cmdutil.Factory, runF func(*LinkOptions) error) *cobra.Command {
	opts := &LinkOptions{Factory: f, confirm: confirmRelink}
	cmd := &cobra.Command{
		Use:   "link --brand NAME",
		Short: "Find or create the org's OAUTH_EXTERNAL channel account and record it in the brand file",
		Long: `Find the org's OAUTH_EXTERNAL channel account, or create it, and record its
source, account ID and name under channel: in the brand file.

--account-id looks for the account of that ID and no other (an account whose
name matches does not stand in for it); --account-name alone looks for the
account of that name. Without either, the account the brand file already
records is looked for, else any OAUTH_EXTERNAL account of the org. If there is
none, one is created with the given or recorded values, or with placeholders
derived from the brand (account ID ciamctl-<brand>, name "<brand> CIAM"): the
platform gives them no meaning. Running it again changes nothing (exit 0).

Linking a brand to another account than the one its file records asks first
on a terminal and needs --force otherwise (exit 2 without it): customers
created under the old account stay under it, and the gateway's lookups by
cuid under the new one will not find them. --dry-run shows such a re-link.

The brand file is edited in place: comments, key order and spacing stay as
they are. --dry-run makes only read calls and prints the create request it
would send and the record it would write.

The account ID and name the platform returns are checked against the brand
file's rules first (not empty, at most 512 characters, no control characters
or surrounding spaces); an account that fails is not recorded (exit 3).

The org is --org-id, else $CIAMCTL_INTOUCH_ORG_ID, else the brand's orgId; the
API host is --intouch-url or --cluster, else $CIAMCTL_INTOUCH_URL, else the
brand's cluster.`,
		Example: `  ciamctl channel link --brand acme
  ciamctl channel link --brand acme --dry-run
  ciamctl channel link --brand acme --account-id acme-ciam --account-name "Acme CIAM"
  ciamctl channel link --brand acme --account-id acme-ciam-2 --force   # re-link
  ciamctl channel link --brand acme --cluster eu --org-id 50123 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if opts.Brand == "" {
				return cmdutil.FlagErrorf("missing --brand: the brand to link, e.g. --brand acme")
			}
			for flag, v := range map[string]string{"--account-id": opts.AccountID, "--account-name": opts.AccountName} {
				if v != "" {
					if err := brand.ValidateID(v); err != nil {
						return cmdutil.FlagErrorf("%s: %v", flag, err)
					}
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return linkRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose file records the channel account (required)")
	fl.StringVar(&opts.AccountName, "account-name", "", "name of the channel account to find or create (default \"<brand> CIAM\")")
	fl.StringVar(&opts.AccountID, "account-id", "", "source account ID to find or create; customer calls send it as accountId (default ciamctl-<brand>)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "make only read calls; print the request and the record instead")
	fl.BoolVar(&opts.Force, "force", false, "re-link the brand to another account than the one its file records, without asking")
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	// A re-link may wait for a person: the network work draws on --timeout
	// as a budget (linkRun), and the question is not charged to it.
	return cmdutil.OwnDeadline(cmd)
}

// Call is an Intouch request as shown to users: method, path with query, body.
type Call struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// LinkResult is `channel link -o json`: the contract's four fields first.
type LinkResult struct {
	Created     bool   `json:"created"`
	Source      string `json:"source"`
	AccountID   string `json:"accountId"`
	AccountName string `json:"accountName"`
	OrgID       string `json:"orgId"`
	File        string `json:"file"`
	// Changed is true when the brand file was (with --dry-run: would be) updated.
	Changed bool `json:"changed"`
	DryRun  bool `json:"dryRun,omitempty"`
	// Request is the create call a dry run would make (absent when the account exists).
	Request *Call `json:"request,omitempty"`
	// Relinked is set when the brand was (with --dry-run: would be) linked to another account than before.
	Relinked *Relink `json:"relinked,omitempty"`
	// Warnings are the platform's, as it answered them; Notes are ciamctl's.
	Warnings []intouch.Item `json:"warnings,omitempty"`
	Notes    []string       `json:"notes,omitempty"`
}

// DefaultAccount returns the placeholder account ID and name for a brand.
func DefaultAccount(brandName string) (id, name string) {
	return "ciamctl-" + brandName, brandName + " CIAM"
}

func linkRun(o *LinkOptions) error {
	f := o.Factory
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	client, err := f.IntouchForBrand(o.Intouch, cfg)
	if err != nil {
		return err
	}
	if client.OrgID() == "" {
		return cmdutil.FlagErrorf("no org ID: pass --org-id, set %s, or set orgId in %s", intouch.EnvOrgID, res.Path)
	}
	out, err := o.linkOnce(client, cfg, res.Path)
	var re *errRelink
	if errors.As(err, &re) {
		// Asked outside the workspace lock and the network budget; then
		// linked again from the start, as the file and the org may have
		// changed meanwhile.
		if err := o.askRelink(re); err != nil {
			return err
		}
		out, err = o.linkOnce(client, cfg, res.Path)
	}
	if err != nil {
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out)
	}
	return writeLinkText(f, cfg.Brand, out)
}

// linkOnce is one find-or-create and record, within what is left of --timeout.
func (o *LinkOptions) linkOnce(client *intouch.Client, cfg *brand.Config, path string) (LinkResult, error) {
	f := o.Factory
	out := LinkResult{Source: intouch.SourceOAuthExternal, OrgID: client.OrgID(), File: path, DryRun: o.DryRun}
	parent := o.Ctx
	if f.NetBudget != nil {
		ctx, done, err := f.NetBudget.Start(parent, "channel link")
		if err != nil {
			return out, err
		}
		defer done()
		o.Ctx = ctx
		defer func() { o.Ctx = parent }()
	}
	if o.DryRun {
		cur, err := workspace.ReadBrandFile(workspace.File{Path: path, Listed: true})
		if err != nil {
			return out, workspace.IOError("read", path, err)
		}
		current := cfg
		if c, _, _ := brand.Decode(cur); c != nil {
			current = c
		}
		next, err := o.link(client, current, cur, &out)
		if err != nil {
			return out, err
		}
		out.Changed = string(next) != string(cur)
		return out, nil
	}
	// Find-or-create and the record happen under the workspace lock, so
	// concurrent links of one brand create one account, and each sees the
	// file as the previous one left it.
	outcome, err := f.Workspace().Update(o.Ctx, o.Brand, func(cur []byte) ([]byte, error) {
		current := cfg
		if c, _, _ := brand.Decode(cur); c != nil {
			current = c
		}
		return o.link(client, current, cur, &out)
	})
	if err != nil {
		if out.Created && !errors.As(err, new(badAnswer)) {
			err = fmt.Errorf("created channel account %q in org %s, but %w; run the command again to record it", out.AccountID, out.OrgID, err)
		}
		return out, err
	}
	out.Changed = outcome != workspace.Unchanged
	return out, nil
}

// link finds the account (or creates it; with --dry-run only describes the
// create call) and returns the brand file cur with the account recorded.
func (o *LinkOptions) link(client *intouch.Client, cfg *brand.Config, cur []byte, out *LinkResult) ([]byte, error) {
	f := o.Factory
	want := o.wanted(cfg)

	stop := f.IOStreams.StartProgress("Looking up channel accounts")
	all, err := client.ListChannelAccounts(o.Ctx)
	stop()
	if err != nil {
		return nil, cmdutil.IntouchError(err)
	}
	acc, found := intouch.FindOAuthExternal(all, want.searchID, want.searchName)
	if !found {
		acc = intouch.ChannelAccount{Name: want.newName, SourceAccountIdentifier: want.newID, SourceTypeName: intouch.SourceOAuthExternal}
	}
	// Nothing is created for a re-link that is not confirmed.
	if err := o.checkRelink(cfg, acc.SourceAccountIdentifier, out); err != nil {
		return nil, err
	}
	switch {
	case found:
	case o.DryRun:
		body, _ := json.Marshal(intouch.CreateSourceBody(want.newName, want.newID))
		out.Request = &Call{Method: intouch.EndpointOf(intouch.EPCreateSource).Method, Path: sourcesPath(client.OrgID()), Body: body}
	default:
		stop := f.IOStreams.StartProgress("Creating the channel account")
		acc, err = client.CreateChannelAccount(o.Ctx, want.newName, want.newID)
		stop()
		if err != nil {
			return nil, createError(err)
		}
		if acc.SourceAccountIdentifier == "" { // the answer is undocumented; trust what was asked for
			acc.SourceAccountIdentifier = want.newID
		}
		if acc.Name == "" {
			acc.Name = want.newName
		}
		out.Created = !acc.Existed
		out.Warnings = append(out.Warnings, acc.Warnings...)
	}
	if o.AccountName != "" && acc.Name != "" && !strings.EqualFold(acc.Name, o.AccountName) {
		out.Notes = append(out.Notes, fmt.Sprintf("the account's name on the platform is %q; --account-name %q was not applied (channel link does not rename accounts)", acc.Name, o.AccountName))
	}
	if err := checkAccount(acc, out); err != nil {
		return nil, err
	}
	out.AccountID, out.AccountName = acc.SourceAccountIdentifier, acc.Name
	next, err := brand.SetChannel(cur, brand.Channel{Source: brand.SourceOAuthExternal, AccountID: out.AccountID, AccountName: out.AccountName})
	if err != nil {
		return nil, recordError(err, out.File)
	}
	return next, nil
}

// wantedAccount is what link looks for, and what it creates when that is not there.
type wantedAccount struct {
	searchID, searchName string
	newID, newName       string
}

// wanted: an explicit --account-id is looked for by that id only (a name never
// stands in for it); --account-name alone by name; neither, the account the
// brand file records, else any OAUTH_EXTERNAL account of the org. What is
// created when nothing is found: the given values, else the recorded ones,
// else placeholders derived from the brand.
func (o *LinkOptions) wanted(cfg *brand.Config) wantedAccount {
	name := cfg.Brand
	if name == "" {
		name = o.Brand
	}
	var w wantedAccount
	w.newID, w.newName = DefaultAccount(name)
	rec := cfg.Channel
	if rec != nil && rec.AccountID == "" {
		rec = nil
	}
	switch {
	case o.AccountID != "":
		w.searchID, w.newID = o.AccountID, o.AccountID
		if o.AccountName != "" {
			w.newName = o.AccountName
		} else if rec != nil && rec.AccountID == o.AccountID && rec.AccountName != "" {
			w.newName = rec.AccountName
		}
	case o.AccountName != "":
		w.searchName, w.newName = o.AccountName, o.AccountName
	case rec != nil:
		w.searchID, w.newID = rec.AccountID, rec.AccountID
		if rec.AccountName != "" {
			w.newName = rec.AccountName
		}
	}
	return w
}

// createError words the create call's refusals for this command's flags.
func createError(err error) error {
	var exists *intouch.SourceExistsError
	if errors.As(err, &exists) {
		return cmdutil.WithHint(err, "pass --account-id %s to link that account, or choose another --account-name", exists.Existing.SourceAccountIdentifier)
	}
	return cmdutil.IntouchError(err)
}

// checkAccount holds the platform's answer to the brand file's rules before
// anything is recorded: an account ID or name that is empty, too long, has
// control characters or surrounding spaces is refused, and the file is left
// as it was. Values are quoted (%q), so control characters never reach the
// terminal raw.
func checkAccount(acc intouch.ChannelAccount, out *LinkResult) error {
	field, err := "accountId", brand.ValidateID(acc.SourceAccountIdentifier)
	if err == nil {
		field, err = "accountName", brand.ValidateAccountName(acc.Name)
	}
	if err == nil {
		return nil
	}
	what := "found"
	if out.Created {
		what = "created"
	}
	return cmdutil.WithHint(fmt.Errorf("the platform %s channel account %d in org %s with an %s the brand file cannot hold: %s %v; %s was not changed%w",
		what, acc.ID, out.OrgID, field, field, err, out.File, badAnswer{}),
		"fix the account on the platform, or pass --account-id and --account-name to use another one")
}

// badAnswer marks a platform answer ciamctl cannot use as a remote failure
// (exit 3) without adding text.
type badAnswer struct{}

func (badAnswer) Error() string        { return "" }
func (badAnswer) Is(target error) bool { return target == intouch.ErrUnavailable }

func recordError(err error, path string) error {
	if errors.Is(err, workspace.ErrIO) || errors.Is(err, workspace.ErrNotFound) {
		return err
	}
	return cmdutil.WithHint(fmt.Errorf("%s: %w", path, err), "fix the file (`ciamctl config validate %s` shows where), then run the command again", path)
}

func sourcesPath(org string) string {
	p, _ := intouch.EndpointOf(intouch.EPCreateSource).URL("", map[string]string{"orgId": org}, nil)
	return p
}

func writeLinkText(f *cmdutil.Factory, brandName string, r LinkResult) error {
	cs := f.IOStreams.ColorScheme()
	w := f.IOStreams.Out
	// Account ID and name may come from the platform's answer.
	safe := iostreams.SafeText
	account := fmt.Sprintf("%s channel account %q (account ID %s) in org %s", safe(r.Source), r.AccountName, safe(r.AccountID), safe(r.OrgID))
	defer writeLinkNotes(f, r)
	if r.DryRun {
		if r.Request != nil {
			fmt.Fprintf(w, "Would create the %s with:\n", account)
			writeCall(w, cs.Bold, *r.Request)
		} else {
			fmt.Fprintf(w, "%s Found the %s\n", cs.SuccessIcon(), account)
		}
		if r.Relinked != nil {
			fmt.Fprintf(w, "%s Would re-link brand %s from account %s to %s (needs --force without a terminal)\n", cs.WarningIcon(), safe(brandName), safe(r.Relinked.From), safe(r.Relinked.To))
		}
		if r.Changed {
			fmt.Fprintf(w, "Would record it in %s:\n", safe(r.File))
			fmt.Fprintf(w, "  channel:\n    source: %s\n    accountId: %s\n    accountName: %s\n", safe(r.Source), safe(r.AccountID), safe(r.AccountName))
		} else {
			fmt.Fprintf(w, "%s already records it.\n", safe(r.File))
		}
		_, err := fmt.Fprintln(w, cs.Gray("Dry run: nothing was created or written."))
		return err
	}
	switch {
	case r.Created:
		fmt.Fprintf(w, "%s Created the %s\n", cs.SuccessIcon(), account)
	case r.Changed:
		fmt.Fprintf(w, "%s Found the %s\n", cs.SuccessIcon(), account)
	default:
		_, err := fmt.Fprintf(w, "%s Brand %s is already linked to the %s; nothing changed\n", cs.SuccessIcon(), cs.Bold(safe(brandName)), account)
		return err
	}
	if r.Relinked != nil {
		fmt.Fprintf(w, "%s Re-linked brand %s from account %s to %s\n", cs.WarningIcon(), safe(brandName), safe(r.Relinked.From), safe(r.Relinked.To))
	}
	_, err := fmt.Fprintf(w, "%s Recorded it in %s\n", cs.SuccessIcon(), safe(r.File))
	return err
}

// writeLinkNotes prints the platform's warnings, what a re-link means for
// existing customers, and ciamctl's notes, after the result.
func writeLinkNotes(f *cmdutil.Factory, r LinkResult) {
	w := f.IOStreams.Out
	cmdutil.WriteIntouchWarnings(w, f.IOStreams.ColorScheme(), r.Warnings)
	if r.Relinked != nil {
		fmt.Fprintf(w, "  %s\n", iostreams.SafeText(r.Relinked.Consequence))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", iostreams.SafeText(n))
	}
}

// writeCall prints a request as method and path, then its body indented.
func writeCall(w io.Writer, bold func(string) string, c Call) {
	fmt.Fprintf(w, "  %s\n", bold(iostreams.SafeText(c.Method+" "+c.Path)))
	if len(c.Body) == 0 {
		return
	}
	var b bytes.Buffer
	if err := json.Indent(&b, c.Body, "  ", "  "); err != nil {
		b.Reset()
		b.Write(c.Body)
	}
	fmt.Fprintf(w, "  %s\n", iostreams.SafeLines(b.String()))
}
