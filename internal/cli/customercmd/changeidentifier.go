package customercmd

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cli/mappingcmd"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/mapping"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// ChangeIdentifierOptions holds the dependencies and flags of `customer change-identifier`.
type ChangeIdentifierOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags

	Brand    string
	CUID     string
	Args     []string
	Mobile   string
	Email    string
	NewToken string
	Apply    bool
	NoCache  bool
}

// NewCmdChangeIdentifier builds `customer change-identifier`.
func NewCmdChangeIdentifier(f *cmdutil.Factory, runF func(*ChangeIdentifierOptions) error) *cobra.Command {
	opts := &ChangeIdentifierOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "change-identifier --brand NAME (--cuid UUID | TOKEN) (--mobile NEW | --email NEW) [--token NEW_ID_TOKEN] [--apply]",
		Short: "Step 2 of an identifier change: the platform follows the CIAM's new mobile or email",
		Long: `Change a customer's mobile or email on the platform after the CIAM changed it.

The integration guide makes an identifier change two steps: first the CIAM
changes the user's mobile or email (step 1), then the app makes a separate
platform identifier-update call (step 2). The gateway's login never does step 2.

This command is step 2. It refuses unless step 1 is done: --token must be a
fresh ID token of the same user (verified with the brand's policy) whose mapped
claim already holds the new value. The customer is the one whose cuid (under
OAUTH_EXTERNAL and the brand's channel account) is --cuid, or the sub of the
TOKEN argument (- reads it from stdin); without --token, that TOKEN is the
fresh one. Then one changeIdentifier call adds the new value and removes the
old one.

Without --apply only the read calls are made and the change is printed. With
--apply it is sent, and the result shown: a merge (when another customer held
the new value, the two merge and the survivor answers from then on), warnings
8070–8074, and the customer as it is now.

Exit 0 when the change was made (or was already), 1 when the CIAM does not hold
the new value, a token is invalid, no customer has the cuid or the platform
refused the change (8070, 8074), 2 for usage errors, 3 when the JWKS or the
platform cannot be reached.`,
		Example: `  # step 1: the user changed the mobile in the CIAM, and signed in again
  ciamctl customer change-identifier --brand acme --cuid 3f0c8a2e-... --mobile 447700900123 --token "$ID_TOKEN"
  ciamctl customer change-identifier --brand acme --cuid 3f0c8a2e-... --mobile 447700900123 --token "$ID_TOKEN" --apply
  ciamctl customer change-identifier --brand acme "$ID_TOKEN" --email ada@example.com --apply -o json`,
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
			return changeIdentifierRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "brand whose policy, mappings and channel account to use (required)")
	fl.StringVar(&opts.CUID, "cuid", "", "the customer's cuid: the CIAM user ID (the ID token's sub)")
	fl.StringVar(&opts.Mobile, "mobile", "", "the new mobile, as the CIAM now holds it")
	fl.StringVar(&opts.Email, "email", "", "the new email, as the CIAM now holds it")
	fl.StringVar(&opts.NewToken, "token", "", "a fresh ID token issued after the change in the CIAM: the proof that step 1 is done (default: the TOKEN argument)")
	fl.BoolVar(&opts.Apply, "apply", false, "send the change (default: print it)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "fetch the JWKS even if a cached copy is fresh")
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	return cmd
}

func (o *ChangeIdentifierOptions) validate() error {
	switch {
	case o.Brand == "":
		return cmdutil.FlagErrorf("missing --brand: the brand whose policy and channel account to use, e.g. --brand acme")
	case o.CUID != "" && len(o.Args) > 0:
		return cmdutil.FlagErrorf("pass either --cuid or a TOKEN of the user, not both")
	case o.CUID == "" && len(o.Args) == 0:
		return cmdutil.FlagErrorf("missing the customer: pass --cuid UUID (the CIAM user ID) or an ID token of the user")
	case o.Mobile == "" && o.Email == "":
		return cmdutil.FlagErrorf("missing the new identifier: pass --mobile NEW or --email NEW")
	case o.Mobile != "" && o.Email != "":
		return cmdutil.FlagErrorf("pass --mobile or --email, not both: each is its own change (run the command once for each)")
	case strings.TrimSpace(o.NewToken) == "" && len(o.Args) == 0:
		return cmdutil.WithHint(cmdutil.FlagErrorf("missing --token: step 2 needs a fresh ID token showing the CIAM already holds the new value"),
			"change the identifier in the CIAM first (step 1), sign in again and pass the new ID token with --token (or as the TOKEN argument)")
	}
	var err error
	if o.Mobile != "" {
		if o.Mobile, err = mapping.NormalizeMobile(o.Mobile); err != nil {
			return cmdutil.FlagErrorf("--mobile: %v", err)
		}
	} else if o.Email, err = mapping.NormalizeEmail(o.Email); err != nil {
		return cmdutil.FlagErrorf("--email: %v", err)
	}
	o.CUID = strings.TrimSpace(o.CUID)
	return nil
}

// Outcomes of an identifier change.
const (
	OutcomeWouldChange = "would_change" // without --apply
	OutcomeChanged     = "changed"
	OutcomeMerged      = "merged"    // changed, and the customer merged with the one that held the value
	OutcomeUnchanged   = "unchanged" // the platform already holds the new value
	OutcomeNotChanged  = "not_changed"
)

// CIAMCheck is the proof of step 1: the fresh ID token and what its mapped claim holds.
type CIAMCheck struct {
	Token mappingcmd.TokenCheck `json:"token"`
	Sub   string                `json:"sub"`
	Claim string                `json:"claim"`
	Value string                `json:"value"`
	Holds bool                  `json:"holdsNewValue"`
}

// Warning is a platform warning with what it means for this call.
type Warning struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Meaning string `json:"meaning,omitempty"`
}

// CustomerNow is the customer as the platform answers after the change.
type CustomerNow struct {
	CustomerID int64                   `json:"customerId"`
	Profile    intouch.CustomerProfile `json:"profile"`
}

// ChangeIdentifierResult is `customer change-identifier -o json`.
type ChangeIdentifierResult struct {
	Outcome    string                   `json:"outcome"`
	Applied    bool                     `json:"applied"`
	CUID       string                   `json:"cuid"`
	Source     string                   `json:"source"`
	AccountID  string                   `json:"accountId"`
	CustomerID *int64                   `json:"customerId"`
	Identifier mapping.IdentifierChange `json:"identifier"`
	CIAM       CIAMCheck                `json:"ciam"`
	Calls      []cmdutil.Call           `json:"calls"`
	Merged     bool                     `json:"merged"`
	SurvivorID *int64                   `json:"survivorId,omitempty"`
	Warnings   []Warning                `json:"warnings"`
	Customer   *CustomerNow             `json:"customer,omitempty"`
}

func changeIdentifierRun(o *ChangeIdentifierOptions) error {
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
	typ, value := intouch.IdentifierMobile, o.Mobile
	if o.Email != "" {
		typ, value = intouch.IdentifierEmail, o.Email
	}
	claim := cfg.Mappings.Get(typ)
	if claim == "" {
		return cmdutil.FlagErrorf("brand %q maps no claim to %s, so no ID token can show the CIAM holds it; add `%s: <claim>` under mappings", o.Brand, typ, typ)
	}
	cuid, proof := o.CUID, strings.TrimSpace(o.NewToken)
	if cuid == "" {
		token, err := f.ReadToken(o.Args)
		if err != nil {
			return err
		}
		if cuid, err = subOf(token); err != nil {
			return err
		}
		if proof == "" {
			// The user's token is the fresh one: it names the customer and proves step 1.
			proof = token
		}
	}
	out := ChangeIdentifierResult{Applied: o.Apply, CUID: cuid, Source: intouch.SourceOAuthExternal, AccountID: cfg.Channel.AccountID,
		Identifier: mapping.IdentifierChange{Type: typ, To: value}, Calls: []cmdutil.Call{}, Warnings: []Warning{}}

	// Step 1 must be done before anything goes to the platform.
	stop := f.IOStreams.StartProgress("Verifying the new ID token")
	out.CIAM, err = checkCIAM(ctx, f, cfg, proof, typ, value, o.NoCache)
	stop()
	if err != nil {
		return err
	}
	if err := ciamRefusal(out.CIAM, cuid, typ, value, claim); err != nil {
		if f.Globals.Output != cmdutil.FormatText {
			_ = cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out)
		}
		return err
	}

	client, err := f.IntouchForBrand(o.Intouch, cfg)
	if err != nil {
		return err
	}
	stop = f.IOStreams.StartProgress("Calling the platform")
	err = changeIdentifier(ctx, client, o.Apply, &out)
	stop()
	if err != nil {
		if f.Globals.Output == cmdutil.FormatText {
			cmdutil.WriteCalls(f.IOStreams.Out, f.IOStreams.ColorScheme(), out.Calls)
		}
		return cmdutil.IntouchError(err)
	}
	if f.Globals.Output != cmdutil.FormatText {
		err = cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, out)
	} else {
		err = writeChangeText(f.IOStreams.Out, f.IOStreams.ColorScheme(), out)
	}
	if err != nil {
		return err
	}
	if out.Outcome == OutcomeNotChanged {
		return cmdutil.ErrFailed
	}
	return nil
}

// subOf is the sub of the user's ID token given as the argument. It only
// names the customer: the token that proves step 1 is verified (and must
// carry the same sub).
func subOf(token string) (string, error) {
	_, raw, err := oidc.Decode(token)
	if err != nil {
		return "", cmdutil.FlagErrorf("TOKEN: %v; pass an ID token of the user, or --cuid", err)
	}
	claims, err := mapping.DecodeClaims(raw)
	sub, _ := claims["sub"].(string)
	if err != nil || strings.TrimSpace(sub) == "" {
		return "", cmdutil.FlagErrorf("TOKEN has no sub: pass an ID token of the user, or --cuid")
	}
	return strings.TrimSpace(sub), nil
}

// checkCIAM verifies the fresh ID token and maps it as the gateway would.
func checkCIAM(ctx context.Context, f *cmdutil.Factory, cfg *brand.Config, token, typ, value string, noCache bool) (CIAMCheck, error) {
	raw, check, err := mappingcmd.VerifyToken(ctx, f, cfg, token, noCache)
	if err != nil {
		return CIAMCheck{}, err
	}
	c := CIAMCheck{Token: check, Claim: cfg.Mappings.Get(typ)}
	mapped := mappingcmd.Map(raw, cfg)
	c.Sub = mapped.Profile.CUID()
	c.Value = mapped.Profile.Mobile
	if typ == intouch.IdentifierEmail {
		c.Value = mapped.Profile.Email
	}
	c.Holds = check.Verified && c.Value == value
	return c, nil
}

// ciamRefusal says why step 1 is not shown done (nil when it is): each a
// check failure (exit 1), since the token given is what was checked.
func ciamRefusal(c CIAMCheck, cuid, typ, value, claim string) error {
	fail := func(format string, args ...any) error {
		return cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf(format, args...)),
			"change the %s in the CIAM first (step 1), sign in again and pass the new ID token with --token; nothing was sent to the platform", typ)
	}
	switch {
	case !c.Token.Verified:
		return fail("--token is not a valid ID token for this brand (%s)", c.Token.Error)
	case c.Sub != cuid:
		return fail("--token is for sub %q, not for cuid %q", c.Sub, cuid)
	case c.Value == "":
		return fail("--token carries no usable %s in claim %q, so the CIAM's side of the change is not shown done", typ, claim)
	case !c.Holds:
		return fail("the CIAM still holds %s %s (claim %q of --token), not %s: step 1 is not done", typ, c.Value, claim, value)
	}
	return nil
}

// changeIdentifier looks the customer up, then sends (or, without apply,
// shows) the one changeIdentifier call and reads the customer back.
func changeIdentifier(ctx context.Context, c *intouch.Client, apply bool, out *ChangeIdentifierResult) error {
	src, acc := out.Source, out.AccountID
	sq := url.Values{"source": {src}, "accountId": {acc}}
	lookup := cmdutil.NewCall(intouch.EPLookupCustomer, nil, url.Values{"source": {src}, "accountId": {acc},
		"identifierName": {intouch.IdentifierCUID}, "identifierValue": {out.CUID}}, nil)
	id, found, err := c.LookupCustomer(ctx, src, acc, intouch.IdentifierCUID, out.CUID)
	if err != nil {
		return err
	}
	lookup.Made, lookup.Result = true, "not found"
	if !found {
		out.Calls = append(out.Calls, lookup)
		return cmdutil.WithHint(fmt.Errorf("%w: no customer has cuid %s under %s account %s in org %s; nothing was changed",
			ErrNotFound, out.CUID, src, acc, c.OrgID()),
			"check the cuid (the CIAM user ID); the customer is created at the user's first login (`ciamctl flow login --brand NAME TOKEN --apply`)")
	}
	lookup.Result = fmt.Sprintf("customer %d", id)
	out.Calls = append(out.Calls, lookup)
	out.CustomerID = &id

	idp := map[string]string{"id": strconv.FormatInt(id, 10)}
	get := cmdutil.NewCall(intouch.EPGetCustomer, idp, sq, nil)
	cust, err := c.GetCustomer(ctx, id, src, acc)
	if err != nil {
		return err
	}
	get.Made, get.Result = true, "ok"
	out.Calls = append(out.Calls, get)
	stored, _ := cust.Profile(src, acc)
	out.Identifier.From = stored.Identifier(out.Identifier.Type)
	if same(out.Identifier.Type, out.Identifier.From, out.Identifier.To) {
		out.Outcome = OutcomeUnchanged
		out.Customer = &CustomerNow{CustomerID: cust.ID, Profile: withIdentifiers(stored)}
		return nil
	}

	req := intouch.ChangeIdentifierRequest{Add: []intouch.Identifier{{Type: out.Identifier.Type, Value: out.Identifier.To}}}
	if out.Identifier.From != "" {
		req.Remove = []intouch.Identifier{{Type: out.Identifier.Type, Value: out.Identifier.From}}
	}
	change := cmdutil.NewCall(intouch.EPChangeIdentifier, idp, sq, req)
	out.Outcome = OutcomeWouldChange
	if !apply {
		change.Result = cmdutil.NotSent
		out.Calls = append(out.Calls, change)
		return nil
	}
	resp, err := c.ChangeIdentifier(ctx, id, src, acc, req)
	if err != nil {
		change.Result = "failed"
		out.Calls = append(out.Calls, change)
		return err
	}
	change.Made, change.Result = true, fmt.Sprintf("ok, customer %d", resp.CreatedID)
	out.Calls = append(out.Calls, change)
	for _, w := range resp.Warnings {
		out.Warnings = append(out.Warnings, Warning{Code: w.Code, Message: w.Message, Meaning: intouch.WarningMeaning(w.Code)})
	}
	survivor := resp.CreatedID
	out.Merged = survivor != id || resp.Merged()
	switch {
	case intouch.ChangeFailed(resp.Warnings):
		out.Outcome = OutcomeNotChanged
	case out.Merged:
		out.Outcome, out.SurvivorID = OutcomeMerged, &survivor
	default:
		out.Outcome = OutcomeChanged
	}

	// What the customer looks like now: the survivor's record after a merge.
	after := cmdutil.NewCall(intouch.EPGetCustomer, map[string]string{"id": strconv.FormatInt(survivor, 10)}, sq, nil)
	now, err := c.GetCustomer(ctx, survivor, src, acc)
	if err != nil {
		return err
	}
	after.Made, after.Result = true, "ok"
	out.Calls = append(out.Calls, after)
	p, _ := now.Profile(src, acc)
	out.Customer = &CustomerNow{CustomerID: now.ID, Profile: withIdentifiers(p)}
	return nil
}

func same(typ, a, b string) bool {
	if typ == intouch.IdentifierEmail {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func withIdentifiers(p intouch.CustomerProfile) intouch.CustomerProfile {
	if p.Identifiers == nil {
		p.Identifiers = []intouch.Identifier{}
	}
	return p
}

func writeChangeText(w io.Writer, cs *iostreams.ColorScheme, r ChangeIdentifierResult) error {
	safe := iostreams.SafeText
	var b strings.Builder
	fmt.Fprintf(&b, "%s Step 1 done: the new ID token (%s, verified) carries %s %s for sub %s\n",
		cs.SuccessIcon(), safe(r.CIAM.Token.Alg), r.Identifier.Type, safe(r.Identifier.To), safe(r.CUID))
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	cmdutil.WriteCalls(w, cs, r.Calls)
	id := int64(0)
	if r.CustomerID != nil {
		id = *r.CustomerID
	}
	from := r.Identifier.From
	if from == "" {
		from = "(none)"
	}
	fmt.Fprintf(&b, "Step 2, the platform's identifier update\n  %-10s %s → %s\n", r.Identifier.Type, safe(strconv.Quote(from)), safe(strconv.Quote(r.Identifier.To)))
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "  %s %d: %s", cs.Yellow("warning"), wn.Code, safe(wn.Message))
		if wn.Meaning != "" {
			fmt.Fprintf(&b, cs.Gray(" (%s)"), safe(wn.Meaning))
		}
		b.WriteString("\n")
	}
	switch r.Outcome {
	case OutcomeUnchanged:
		fmt.Fprintf(&b, "%s Customer %d already has %s %s; nothing to change\n", cs.SuccessIcon(), id, r.Identifier.Type, safe(r.Identifier.To))
	case OutcomeWouldChange:
		b.WriteString(cs.Gray("Dry run: only read calls were made; pass --apply to send the change above.") + "\n")
	case OutcomeChanged:
		fmt.Fprintf(&b, "%s Changed the %s of customer %d\n", cs.SuccessIcon(), r.Identifier.Type, id)
	case OutcomeMerged:
		fmt.Fprintf(&b, "%s Changed the %s; another customer held it, so customer %d merged into customer %d (the survivor), which answers from now on\n",
			cs.WarningIcon(), r.Identifier.Type, id, *r.SurvivorID)
	case OutcomeNotChanged:
		fmt.Fprintf(&b, "%s The platform did not change the %s of customer %d (see the warnings above)\n", cs.FailureIcon(), r.Identifier.Type, id)
	}
	if c := r.Customer; c != nil && r.Outcome != OutcomeUnchanged {
		fmt.Fprintf(&b, "\n%s\n", cs.Bold("The customer now"))
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		return writeProfile(w, cs, c.CustomerID, c.Profile)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
