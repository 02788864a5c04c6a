package customercmd

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

// RegisterOptions holds the dependencies and flags of `customer register`.
type RegisterOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags

	Brand          string
	Source         string
	Args           []string
	Mobile         string
	Email          string
	FirstName      string
	LastName       string
	Fields         []string
	ExtendedFields []string
	Apply          bool
	NoCache        bool

	fields, extended intouch.FieldValues
}

// NewCmdRegister builds `customer register`.
func NewCmdRegister(f *cmdutil.Factory, runF func(*RegisterOptions) error) *cobra.Command {
	opts := &RegisterOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "register --brand NAME --source INSTORE [TOKEN | - | --mobile M --email E] [--firstname F --lastname L] [--field NAME=VALUE ...] [--extended-field NAME=VALUE ...] [--apply]",
		Short: "Register data the CIAM does not carry with a separate INSTORE customer call",
		Long: `The gateway registers a CIAM user with first and last name, mobile and email
only. The integration guide adds any other customer data (custom fields,
extended fields) with a separate registration call under the INSTORE source.
Because its mobile or email is one the OAUTH_EXTERNAL customer already holds,
the platform merges it into that customer (warning 8050, the same customer ID
that ` + "`ciamctl customer lookup --cuid`" + ` shows) instead of creating a second one.

The identifiers and names come from a verified ID token (TOKEN, or - for
stdin), mapped as the gateway maps it, or from --mobile and --email;
--firstname and --lastname override the names. --field NAME=VALUE sets a custom
field of the profile, --extended-field NAME=VALUE an extended field of the
customer (both repeatable).

Without --apply only read calls are made: the command looks up the
OAUTH_EXTERNAL customer, says whether the registration will merge into it or
create a second customer, and prints the exact request. With --apply it sends
it and says which happened. Exit 0 when registered (or already registered), 1
for an invalid token or one that maps to no mobile or email, 2 for usage errors
(also no identifier at all), 3 when the JWKS or the platform cannot be reached.`,
		Example: `  ciamctl customer register --brand acme --source INSTORE "$ID_TOKEN" --field city=Leeds --extended-field gender=Female
  ciamctl customer register --brand acme --source INSTORE "$ID_TOKEN" --field city=Leeds --apply
  ciamctl customer register --brand acme --source INSTORE --mobile 447700900001 --email ada@example.com \
    --firstname Ada --lastname Lovelace --field store=LDN-01 --apply -o json`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Args = args
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return registerRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose policy, mappings and channel account to use (required)")
	fl.StringVar(&opts.Source, "source", "", "the registration's source: INSTORE (required)")
	fl.StringVar(&opts.Mobile, "mobile", "", "mobile identifier, with country code (instead of a token)")
	fl.StringVar(&opts.Email, "email", "", "email identifier (instead of a token)")
	fl.StringVar(&opts.FirstName, "firstname", "", "first name (default: the token's)")
	fl.StringVar(&opts.LastName, "lastname", "", "last name (default: the token's)")
	fl.StringArrayVar(&opts.Fields, "field", nil, "custom field NAME=VALUE of the profile (repeatable)")
	fl.StringArrayVar(&opts.ExtendedFields, "extended-field", nil, "extended field NAME=VALUE of the customer (repeatable)")
	fl.BoolVar(&opts.Apply, "apply", false, "send the registration (default: print it)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even if a cached copy is fresh")
	_ = cmd.RegisterFlagCompletionFunc("source", cobra.FixedCompletions([]string{intouch.SourceInstore}, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	return cmd
}

func (o *RegisterOptions) validate() error {
	switch {
	case o.Brand == "":
		return cmdutil.FlagErrorf("missing --brand: the brand whose OAUTH_EXTERNAL customer the registration joins, e.g. --brand acme")
	case o.Source == "":
		return cmdutil.FlagErrorf("missing --source: the guide's separate registration is --source INSTORE")
	case !strings.EqualFold(o.Source, intouch.SourceInstore):
		return cmdutil.FlagErrorf("--source %s: only INSTORE is supported (the gateway itself registers OAUTH_EXTERNAL customers at login)", o.Source)
	case len(o.Args) > 0 && (o.Mobile != "" || o.Email != ""):
		return cmdutil.FlagErrorf("pass either a TOKEN or --mobile/--email, not both")
	case len(o.Args) == 0 && o.Mobile == "" && o.Email == "":
		return cmdutil.WithHint(cmdutil.FlagErrorf("no identifier: an INSTORE registration needs --mobile or --email (or an ID token that maps to one)"),
			"the platform merges the registration into the OAUTH_EXTERNAL customer through a shared mobile or email")
	}
	o.Source = intouch.SourceInstore
	var err error
	if o.Mobile != "" {
		if o.Mobile, err = mapping.NormalizeMobile(o.Mobile); err != nil {
			return cmdutil.FlagErrorf("--mobile: %v", err)
		}
	}
	if o.Email != "" {
		if o.Email, err = mapping.NormalizeEmail(o.Email); err != nil {
			return cmdutil.FlagErrorf("--email: %v", err)
		}
	}
	if o.fields, err = fieldValues("--field", o.Fields); err != nil {
		return err
	}
	o.extended, err = fieldValues("--extended-field", o.ExtendedFields)
	return err
}

func fieldValues(flag string, pairs []string) (intouch.FieldValues, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := intouch.FieldValues{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok || k == "":
			return nil, cmdutil.FlagErrorf("%s %q: expected NAME=VALUE, e.g. %s city=Leeds", flag, kv, flag)
		case out[k] != "":
			return nil, cmdutil.FlagErrorf("%s %q: %s is given twice; keep one", flag, kv, k)
		}
		out[k] = v
	}
	return out, nil
}

// Outcomes of a registration.
const (
	OutcomeWouldRegister     = "would_register" // without --apply
	OutcomeRegisterMerged    = "merged"         // 8050: joined an existing customer of another source
	OutcomeRegisterCreated   = "created"        // a new customer
	OutcomeAlreadyRegistered = "already_registered"
)

// Expected results of a registration, decided before it is sent.
const (
	ExpectMerge       = "merge"
	ExpectNewCustomer = "new_customer"
)

// RegisterResult is `customer register -o json`.
type RegisterResult struct {
	Outcome string `json:"outcome"`
	Applied bool   `json:"applied"`
	Source  string `json:"source"`
	// Token is the verification of the token the identifiers came from (absent with --mobile/--email).
	Token *mappingcmd.TokenCheck `json:"token,omitempty"`
	CUID  string                 `json:"cuid,omitempty"`
	// OAuthExternalCustomerID is the customer the gateway created for the CIAM user (null when none).
	OAuthExternalCustomerID *int64 `json:"oauthExternalCustomerId"`
	Expected                string `json:"expected"`
	ExpectedReason          string `json:"expectedReason"`
	// CustomerID is the platform's createdId (or the customer already holding the registration).
	CustomerID *int64 `json:"customerId"`
	Merged     bool   `json:"merged"`
	// AsExpected says whether what happened is what Expected said (null before --apply).
	AsExpected *bool                      `json:"asExpected"`
	Request    intouch.AddCustomerRequest `json:"request"`
	Calls      []cmdutil.Call             `json:"calls"`
	Warnings   []Warning                  `json:"warnings"`
	// Profiles are the customer's profiles after the registration (source and account).
	Profiles []ProfileRef `json:"profiles,omitempty"`
}

// ProfileRef names one profile of a customer.
type ProfileRef struct {
	Source    string `json:"source"`
	AccountID string `json:"accountId,omitempty"`
}

func registerRun(o *RegisterOptions) error {
	f := o.Factory
	ctx := o.Ctx // bounded by the command's one --timeout deadline
	res, err := f.UsableBrand(o.Brand)
	if err != nil {
		return err
	}
	cfg := res.Config
	if cfg.Channel == nil || cfg.Channel.AccountID == "" {
		return cmdutil.WithHint(cmdutil.FlagErrorf("brand %q records no OAUTH_EXTERNAL channel account", o.Brand),
			"run `ciamctl channel link --brand %s` first", o.Brand)
	}
	out := RegisterResult{Applied: o.Apply, Source: intouch.SourceInstore, Calls: []cmdutil.Call{}, Warnings: []Warning{}}
	p := mapping.Profile{Mobile: o.Mobile, Email: o.Email}
	if len(o.Args) > 0 {
		token, err := f.ReadToken(o.Args)
		if err != nil {
			return err
		}
		stop := f.IOStreams.StartProgress("Verifying the token")
		raw, check, err := mappingcmd.VerifyToken(ctx, f, cfg, token, o.NoCache)
		stop()
		if err != nil {
			return err
		}
		out.Token = &check
		if !check.Verified {
			return cmdutil.Invalid(fmt.Errorf("the ID token is not valid for brand %q (%s); nothing was sent", o.Brand, check.Error))
		}
		p = mappingcmd.Map(raw, cfg).Profile
		out.CUID = p.CUID()
		if p.Mobile == "" && p.Email == "" {
			return cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf("the ID token maps to neither a mobile nor an email, so the INSTORE registration would have no identifier; nothing was sent")),
				"`ciamctl mapping dry-run --brand %s TOKEN` shows why; or pass --mobile/--email instead of the token", o.Brand)
		}
	}
	if o.FirstName != "" {
		p.FirstName = o.FirstName
	}
	if o.LastName != "" {
		p.LastName = o.LastName
	}
	out.Request = instoreRequest(p, o.fields, o.extended)

	client, err := f.IntouchForBrand(o.Intouch, cfg)
	if err != nil {
		return err
	}
	stop := f.IOStreams.StartProgress("Calling the platform")
	err = register(ctx, client, cfg.Channel.AccountID, p, o.Apply, &out)
	stop()
	if err != nil {
		if f.Globals.Output == cmdutil.FormatText {
			cmdutil.WriteCalls(f.IOStreams.Out, f.IOStreams.ColorScheme(), out.Calls)
		}
		return cmdutil.IntouchError(err)
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out)
	}
	return writeRegisterText(f.IOStreams.Out, f.IOStreams.ColorScheme(), out)
}

// instoreRequest is the exact add-customer body of the INSTORE registration:
// the identifiers that let the platform merge it (mobile, email; never the
// cuid, which only means something under OAUTH_EXTERNAL), names, custom and
// extended fields.
func instoreRequest(p mapping.Profile, fields, extended intouch.FieldValues) intouch.AddCustomerRequest {
	ids := []intouch.Identifier{}
	if p.Mobile != "" {
		ids = append(ids, intouch.Identifier{Type: intouch.IdentifierMobile, Value: p.Mobile})
	}
	if p.Email != "" {
		ids = append(ids, intouch.Identifier{Type: intouch.IdentifierEmail, Value: p.Email})
	}
	return intouch.AddCustomerRequest{
		Profiles: []intouch.CustomerProfile{{
			FirstName: p.FirstName, LastName: p.LastName, Source: intouch.SourceInstore,
			Identifiers: ids, Fields: fields,
		}},
		LoyaltyInfo:    intouch.LoyaltyInfo{LoyaltyType: intouch.LoyaltyTypeLoyalty},
		ExtendedFields: extended,
	}
}

// register finds what the registration will meet (an INSTORE customer that
// already has it; the OAUTH_EXTERNAL customer it should merge into), then
// sends it with apply.
func register(ctx context.Context, c *intouch.Client, acc string, p mapping.Profile, apply bool, out *RegisterResult) error {
	ids := out.Request.Profiles[0].Identifiers
	// Already registered under INSTORE? Then there is nothing to send (the platform would answer 8006).
	for _, id := range ids {
		found, err := lookupCall(ctx, c, intouch.SourceInstore, "", id.Type, id.Value, out)
		if err != nil {
			return err
		}
		if found != 0 {
			out.Outcome, out.CustomerID = OutcomeAlreadyRegistered, &found
			return profiles(ctx, c, found, out)
		}
	}

	// The OAUTH_EXTERNAL customer the gateway created for this CIAM user, and whether the registration's
	// identifiers are ones it holds (which is what makes the platform merge).
	var oauthID int64
	var err error
	if out.CUID != "" {
		oauthID, err = lookupCall(ctx, c, intouch.SourceOAuthExternal, acc, intouch.IdentifierCUID, out.CUID, out)
	} else {
		for _, id := range ids {
			if oauthID, err = lookupCall(ctx, c, intouch.SourceOAuthExternal, acc, id.Type, id.Value, out); err != nil || oauthID != 0 {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	out.Expected = ExpectNewCustomer
	switch {
	case oauthID == 0 && out.CUID != "":
		out.ExpectedReason = "no OAUTH_EXTERNAL customer has cuid " + out.CUID + " yet, so the platform creates a second, INSTORE-only customer; log the user in first (`ciamctl flow login --apply`) so the registration joins it"
	case oauthID == 0:
		out.ExpectedReason = "no OAUTH_EXTERNAL customer holds these identifiers, so the platform creates a new customer"
	default:
		out.OAuthExternalCustomerID = &oauthID
		shared, err := sharedIdentifiers(ctx, c, oauthID, acc, ids, out)
		if err != nil {
			return err
		}
		if len(shared) > 0 {
			out.Expected = ExpectMerge
			out.ExpectedReason = fmt.Sprintf("OAUTH_EXTERNAL customer %d holds the same %s, so the platform merges the registration into it (warning 8050)", oauthID, strings.Join(shared, " and "))
		} else {
			out.ExpectedReason = fmt.Sprintf("OAUTH_EXTERNAL customer %d holds neither this mobile nor this email, so the platform creates a second customer", oauthID)
		}
	}

	q, err := intouch.AddCustomerQuery(out.Request)
	if err != nil {
		return err
	}
	add := cmdutil.NewCall(intouch.EPAddCustomer, nil, q, out.Request)
	out.Outcome = OutcomeWouldRegister
	if !apply {
		add.Result = cmdutil.NotSent
		out.Calls = append(out.Calls, add)
		return nil
	}
	resp, err := c.AddCustomer(ctx, out.Request)
	if err != nil {
		add.Result = "failed"
		out.Calls = append(out.Calls, add)
		return err
	}
	add.Made = true
	id := resp.CreatedID
	out.CustomerID = &id
	for _, w := range resp.Warnings {
		out.Warnings = append(out.Warnings, Warning{Code: w.Code, Message: w.Message, Meaning: intouch.WarningMeaning(w.Code)})
	}
	out.Merged = resp.Merged()
	if out.Merged {
		out.Outcome, add.Result = OutcomeRegisterMerged, fmt.Sprintf("merged into customer %d (8050)", id)
	} else {
		out.Outcome, add.Result = OutcomeRegisterCreated, fmt.Sprintf("created customer %d", id)
	}
	out.Calls = append(out.Calls, add)
	as := out.Merged == (out.Expected == ExpectMerge) && (!out.Merged || oauthID == 0 || id == oauthID)
	out.AsExpected = &as
	return profiles(ctx, c, id, out)
}

// lookupCall looks a customer up and records the call; 0 is not found.
func lookupCall(ctx context.Context, c *intouch.Client, source, acc, idType, value string, out *RegisterResult) (int64, error) {
	q := url.Values{"source": {source}, "identifierName": {idType}, "identifierValue": {value}}
	if acc != "" {
		q.Set("accountId", acc)
	}
	call := cmdutil.NewCall(intouch.EPLookupCustomer, nil, q, nil)
	id, found, err := c.LookupCustomer(ctx, source, acc, idType, value)
	if err != nil {
		call.Result = "failed"
		out.Calls = append(out.Calls, call)
		return 0, err
	}
	call.Made, call.Result = true, "not found"
	if !found {
		out.Calls = append(out.Calls, call)
		return 0, nil
	}
	call.Result = fmt.Sprintf("customer %d", id)
	out.Calls = append(out.Calls, call)
	return id, nil
}

// sharedIdentifiers lists the registration's identifier types the OAUTH_EXTERNAL profile holds too.
func sharedIdentifiers(ctx context.Context, c *intouch.Client, id int64, acc string, ids []intouch.Identifier, out *RegisterResult) ([]string, error) {
	sq := url.Values{"source": {intouch.SourceOAuthExternal}, "accountId": {acc}}
	call := cmdutil.NewCall(intouch.EPGetCustomer, map[string]string{"id": strconv.FormatInt(id, 10)}, sq, nil)
	cust, err := c.GetCustomer(ctx, id, intouch.SourceOAuthExternal, acc)
	if err != nil {
		return nil, err
	}
	call.Made, call.Result = true, "ok"
	out.Calls = append(out.Calls, call)
	prof, _ := cust.Profile(intouch.SourceOAuthExternal, acc)
	var shared []string
	for _, x := range ids {
		if same(x.Type, prof.Identifier(x.Type), x.Value) {
			shared = append(shared, x.Type)
		}
	}
	return shared, nil
}

// profiles reads the customer back to list its profiles: after a merge, both sources.
func profiles(ctx context.Context, c *intouch.Client, id int64, out *RegisterResult) error {
	sq := url.Values{"source": {intouch.SourceInstore}}
	call := cmdutil.NewCall(intouch.EPGetCustomer, map[string]string{"id": strconv.FormatInt(id, 10)}, sq, nil)
	cust, err := c.GetCustomer(ctx, id, intouch.SourceInstore, "")
	if err != nil {
		return err
	}
	call.Made, call.Result = true, "ok"
	out.Calls = append(out.Calls, call)
	for _, p := range cust.Profiles {
		out.Profiles = append(out.Profiles, ProfileRef{Source: p.Source, AccountID: p.AccountID})
	}
	return nil
}

func writeRegisterText(w io.Writer, cs *iostreams.ColorScheme, r RegisterResult) error {
	safe := iostreams.SafeText
	var b strings.Builder
	if r.Token != nil {
		fmt.Fprintf(&b, "%s Token verified (%s): identifiers and names from cuid %s\n", cs.SuccessIcon(), safe(r.Token.Alg), safe(r.CUID))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	cmdutil.WriteCalls(w, cs, r.Calls)
	id := int64(0)
	if r.CustomerID != nil {
		id = *r.CustomerID
	}
	if r.Outcome == OutcomeAlreadyRegistered {
		fmt.Fprintf(&b, "%s Already registered: customer %d has these identifiers under INSTORE; nothing sent\n", cs.SuccessIcon(), id)
		writeProfiles(&b, r.Profiles)
		_, err := io.WriteString(w, b.String())
		return err
	}
	expect := "a second customer"
	if r.Expected == ExpectMerge {
		expect = "a merge into the OAUTH_EXTERNAL customer"
	}
	fmt.Fprintf(&b, "Expected: %s: %s\n", expect, safe(r.ExpectedReason))
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "  %s %d: %s", cs.Yellow("warning"), wn.Code, safe(wn.Message))
		if wn.Meaning != "" {
			fmt.Fprintf(&b, cs.Gray(" (%s)"), safe(wn.Meaning))
		}
		b.WriteString("\n")
	}
	switch r.Outcome {
	case OutcomeWouldRegister:
		b.WriteString(cs.Gray("Dry run: only read calls were made; pass --apply to send the registration above.") + "\n")
	case OutcomeRegisterMerged:
		fmt.Fprintf(&b, "%s Merged into customer %d (8050)", cs.SuccessIcon(), id)
		if r.OAuthExternalCustomerID != nil && *r.OAuthExternalCustomerID == id {
			b.WriteString(": the OAUTH_EXTERNAL customer, the same ID `customer lookup --cuid` shows")
		}
		b.WriteString("\n")
	case OutcomeRegisterCreated:
		icon := cs.SuccessIcon()
		if r.Expected == ExpectMerge {
			icon = cs.WarningIcon()
		}
		fmt.Fprintf(&b, "%s Created a second customer, %d: the platform did not merge the registration into the OAUTH_EXTERNAL customer\n", icon, id)
	}
	if r.AsExpected != nil && !*r.AsExpected {
		fmt.Fprintf(&b, "%s Not what was expected: check the org's merge settings, or the identifiers of both customers in Member Care\n", cs.WarningIcon())
	}
	writeProfiles(&b, r.Profiles)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeProfiles(b *strings.Builder, ps []ProfileRef) {
	if len(ps) == 0 {
		return
	}
	var names []string
	for _, p := range ps {
		n := p.Source
		if p.AccountID != "" {
			n += "/" + p.AccountID
		}
		names = append(names, iostreams.SafeText(n))
	}
	fmt.Fprintf(b, "  The customer's profiles: %s\n", strings.Join(names, ", "))
}
