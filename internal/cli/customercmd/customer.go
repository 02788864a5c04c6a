// Package customercmd implements `ciamctl customer …`: the platform customer
// behind a CIAM user.
package customercmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// NewCmdCustomer builds the `customer` command group.
func NewCmdCustomer(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customer <command>",
		Short: "Look up, register (INSTORE) and change identifiers of platform customers",
		Long: `A CIAM user is a platform customer whose cuid identifier, under the
OAUTH_EXTERNAL source and the org's channel account, is the CIAM's user ID
(the ID token's sub).`,
		Args: cobra.ArbitraryArgs,
		Example: `  ciamctl customer lookup --brand acme --cuid 3f0c8a2e-1b7d-4c59-9e61-0a2b3c4d5e6f
  ciamctl customer register --brand acme --source INSTORE "$ID_TOKEN" --field city=Leeds
  ciamctl customer change-identifier --brand acme --cuid 3f0c8a2e-... --mobile 447700900123 --token "$ID_TOKEN"`,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdLookup(f, nil), NewCmdRegister(f, nil), NewCmdChangeIdentifier(f, nil))
	return cmd
}

// LookupOptions holds the dependencies and flags of `customer lookup`.
type LookupOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags

	CUID      string
	Brand     string
	AccountID string
}

// NewCmdLookup builds `customer lookup`.
func NewCmdLookup(f *cmdutil.Factory, runF func(*LookupOptions) error) *cobra.Command {
	opts := &LookupOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "lookup --cuid UUID (--brand NAME | --account-id ID)",
		Short: "Show the platform customer whose cuid is a CIAM user ID",
		Long: `Look the customer up by cuid under the OAUTH_EXTERNAL source and show the
record: customer ID, names and identifiers (cuid, mobile, email).

The channel account is --account-id, else the one recorded in --brand's file
(by ` + "`ciamctl channel link`" + `). Exit 1 when there is no such customer.
A customer merged into another (8069) is followed to the survivor, and the
platform's warnings are shown (-o json: warnings).

The platform is --intouch-url or --cluster, else $CIAMCTL_INTOUCH_URL, else the
cluster of --brand.`,
		Example: `  ciamctl customer lookup --brand acme --cuid 3f0c8a2e-1b7d-4c59-9e61-0a2b3c4d5e6f
  ciamctl customer lookup --account-id acme-ciam --org-id 50123 --cuid 3f0c8a2e-... -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.CUID = strings.TrimSpace(opts.CUID)
			if opts.CUID == "" {
				return cmdutil.FlagErrorf("missing --cuid: the CIAM user ID (the ID token's sub)")
			}
			if opts.Brand == "" && opts.AccountID == "" {
				return cmdutil.FlagErrorf("missing --brand or --account-id: which OAUTH_EXTERNAL channel account to look in")
			}
			if runF != nil {
				return runF(opts)
			}
			return lookupRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.CUID, "cuid", "", "the CIAM user ID (the ID token's sub) (required)")
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose recorded channel account (and orgId) to use")
	fl.StringVar(&opts.AccountID, "account-id", "", "OAUTH_EXTERNAL source account ID (default: the brand's channel.accountId)")
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	return cmd
}

// LookupResult is `customer lookup -o json`.
type LookupResult struct {
	Found      bool                    `json:"found"`
	CustomerID int64                   `json:"customerId"`
	CUID       string                  `json:"cuid"`
	Profile    intouch.CustomerProfile `json:"profile"`
	// Warnings are the platform's, as it answered them; Notes say what
	// was made of them (a merge followed to the survivor).
	Warnings []intouch.Item `json:"warnings,omitempty"`
	Notes    []string       `json:"notes,omitempty"`
}

// ErrNotFound is a lookup that found no customer: exit 1, the thing checked is absent.
var ErrNotFound = errors.New("customer not found")

func lookupRun(o *LookupOptions) error {
	f := o.Factory
	accountID := o.AccountID
	var bcfg *brand.Config
	if o.Brand != "" {
		res, err := f.UsableBrand(o.Brand)
		if err != nil {
			return err
		}
		bcfg = res.Config
		if accountID == "" {
			if res.Config.Channel == nil || res.Config.Channel.AccountID == "" {
				return cmdutil.WithHint(cmdutil.FlagErrorf("brand %q records no channel account", o.Brand),
					"run `ciamctl channel link --brand %s` first, or pass --account-id", o.Brand)
			}
			accountID = res.Config.Channel.AccountID
		}
	}
	client, err := f.IntouchForBrand(o.Intouch, bcfg)
	if err != nil {
		return err
	}
	stop := f.IOStreams.StartProgress("Looking up the customer")
	out, err := lookupCUID(o.Ctx, client, accountID, o.CUID)
	stop()
	if err != nil {
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out)
	}
	return writeCustomer(f, out)
}

func writeCustomer(f *cmdutil.Factory, r LookupResult) error {
	cs := f.IOStreams.ColorScheme()
	if err := writeProfile(f.IOStreams.Out, cs, r.CustomerID, r.Profile); err != nil {
		return err
	}
	cmdutil.WriteIntouchWarnings(f.IOStreams.Out, cs, r.Warnings)
	for _, n := range r.Notes {
		fmt.Fprintf(f.IOStreams.Out, "%s %s\n", cs.Gray("note:"), iostreams.SafeText(n))
	}
	return nil
}

// writeProfile prints a customer's profile in one source account.
func writeProfile(w io.Writer, cs *iostreams.ColorScheme, id int64, p intouch.CustomerProfile) error {
	var b strings.Builder
	row := func(label, value string) { fmt.Fprintf(&b, "%-13s %s\n", label, value) }
	// Everything but the ID is the platform's answer: escaped before it is
	// coloured or printed.
	safe := iostreams.SafeText
	row("Customer", cs.Bold(fmt.Sprint(id)))
	row("Source", safe(p.Source+" / "+p.AccountID))
	row("First name", safe(orDash(p.FirstName)))
	row("Last name", safe(orDash(p.LastName)))
	b.WriteString("Identifiers\n")
	for _, id := range p.Identifiers {
		v := safe(id.Value)
		if id.Type == intouch.IdentifierCUID {
			v = cs.Green(v) + cs.Gray("  (the CIAM user ID)")
		}
		fmt.Fprintf(&b, "  %-11s %s\n", safe(id.Type), v)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
