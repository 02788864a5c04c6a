package brandcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cluster"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// AddOptions holds the dependencies and flags of `brand add`.
type AddOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Name             string
	DisplayName      string
	Provider         string
	ApplicationID    string
	ClientID         string
	Issuer           string
	JWKSURI          string
	UserinfoEndpoint string
	OrgID            int64
	Cluster          string
	Algorithms       []string
	Maps             []string
	Discover         string
	Force            bool
	DryRun           bool

	// askForm shows the interactive form; tests may replace it.
	askForm func(*AddOptions, *formState) error
	// noDiscoveredUserinfo: --discover's document named no
	// userinfo_endpoint (Apple and Facebook publish none) and no flag gave one.
	noDiscoveredUserinfo bool
}

// requiredFlags are the values a brand cannot do without, with their flags.
var requiredFlags = []struct{ field, flag string }{
	{"brand", "--name"},
	{"ciam.applicationId", "--application-id"},
	{"ciam.clientId", "--client-id"},
	{"ciam.jwksUri", "--jwks-uri"},
	{"ciam.userinfoEndpoint", "--userinfo-endpoint"},
}

// NewCmdAdd builds `brand add`. runF replaces the run function in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f, askForm: runForm}
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Create a brand configuration file",
		Long: `Create <workspace>/<name>.yaml from flags. On a terminal, a form asks for whatever
the flags left out and confirms before writing; with --no-input or without a
terminal, a missing required value is an error naming its flag.

Required: --name, --application-id, --client-id, --jwks-uri, --userinfo-endpoint.
--name is the brand's key (also the file name); --display-name is its name as
the platform knows it ("Acme Loyalty"), which the ticket prints.
Mappings: --map FIELD=CLAIM for firstname, lastname, mobile and email; CLAIM is a
claim name taken literally (it may contain dots or be a URL) or, starting with
"/", a JSON Pointer into the ID token claims (e.g. /contact/email). On a
terminal, without --map, the form asks for them.

When the brand exists, only the fields given are compared with its file:
the same values change nothing (whatever channel link or brand set added);
other values are refused, naming each field, unless --force, which changes
just those fields in place and lists them. The channel, comments, key order
and every field not given stay. On a terminal the form starts from the
file's values and shows the changes before writing. To change single
fields, use brand set; to edit the whole file, brand edit.`,
		Example: `  ciamctl brand add --no-input --name acme --display-name "Acme Loyalty" \
    --application-id 6a1f0c2e --client-id acme-loyalty \
    --issuer https://id.acme.example/ \
    --jwks-uri https://id.acme.example/.well-known/jwks.json \
    --userinfo-endpoint https://id.acme.example/userinfo \
    --map firstname=given_name --map lastname=family_name \
    --map mobile=phone_number --map email=/contact/email

  # take issuer, JWKS URI and userinfo endpoint from OIDC discovery
  ciamctl brand add --name acme --application-id 6a1f0c2e --client-id acme-loyalty \
    --discover https://id.acme.example/ --map email=email

  # print the file instead of writing it
  ciamctl brand add --dry-run --name acme ...

  # change the client ID of an existing brand, keeping its channel and comments
  ciamctl brand add --no-input --force --name acme --client-id acme-web ...`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return addRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Name, "name", "", "brand name: lowercase letters, digits, dashes; also the file name")
	fl.StringVar(&opts.DisplayName, "display-name", "", `the brand's name as the platform knows it, any text (e.g. "Acme Loyalty"); the ticket prints it`)
	fl.StringVar(&opts.Provider, "provider", "", "CIAM product, informational (e.g. nextreason, auth0, okta, keycloak)")
	fl.StringVar(&opts.ApplicationID, "application-id", "", "ID of the application registered in the CIAM")
	fl.StringVar(&opts.ClientID, "client-id", "", "OAuth client ID (the ID token audience)")
	fl.StringVar(&opts.Issuer, "issuer", "", "the CIAM's issuer URL (the iss claim)")
	fl.StringVar(&opts.JWKSURI, "jwks-uri", "", "URL of the CIAM's JSON Web Key Set")
	fl.StringVar(&opts.UserinfoEndpoint, "userinfo-endpoint", "", "URL of the CIAM's userinfo endpoint")
	fl.Int64Var(&opts.OrgID, "org-id", 0, "platform org ID")
	fl.StringVar(&opts.Cluster, "cluster", "", "platform cluster preset the brand's org lives on: "+strings.Join(cluster.Names(), ", "))
	fl.StringSliceVar(&opts.Algorithms, "alg", nil, "allowed signing algorithms, comma separated (default: RS*, PS*, ES*, EdDSA)")
	fl.StringArrayVar(&opts.Maps, "map", nil, "claim mapping FIELD=CLAIM (repeatable); FIELD is firstname, lastname, mobile or email")
	fl.StringVar(&opts.Discover, "discover", "", "fill --issuer, --jwks-uri and --userinfo-endpoint from ISSUER's /.well-known/openid-configuration")
	fl.BoolVar(&opts.Force, "force", false, "change the given fields of an existing brand whose file has other values (its other fields stay)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the file instead of writing it")
	_ = cmd.RegisterFlagCompletionFunc("cluster", cobra.FixedCompletions(cluster.Names(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(brand.AllowedAlgorithms, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("map", cobra.FixedCompletions(
		[]string{"firstname=", "lastname=", "mobile=", "email="}, cobra.ShellCompDirectiveNoSpace|cobra.ShellCompDirectiveNoFileComp))
	// A form waits for a person; --timeout bounds only --discover (discover.go).
	return cmdutil.OwnDeadline(cmd)
}

func (o *AddOptions) config() (*brand.Config, error) {
	c := brand.New(o.Name)
	c.DisplayName = o.DisplayName
	c.OrgID = o.OrgID
	c.Cluster = o.Cluster
	c.CIAM = brand.CIAM{
		Provider:         o.Provider,
		ApplicationID:    o.ApplicationID,
		ClientID:         o.ClientID,
		Issuer:           o.Issuer,
		JWKSURI:          o.JWKSURI,
		UserinfoEndpoint: o.UserinfoEndpoint,
		Algorithms:       o.Algorithms,
	}
	seen := map[string]bool{}
	for _, m := range o.Maps {
		field, claim, ok := strings.Cut(m, "=")
		field = strings.TrimSpace(field)
		if !ok {
			return nil, cmdutil.FlagErrorf("--map %q: expected FIELD=CLAIM, e.g. --map email=email", m)
		}
		if seen[field] {
			return nil, cmdutil.FlagErrorf("--map %q: %s is mapped twice; keep one", m, field)
		}
		seen[field] = true
		if !c.Mappings.Set(field, claim) {
			return nil, cmdutil.FlagErrorf("--map %q: unknown field %q; the gateway maps firstname, lastname, mobile and email", m, field)
		}
		if claim == "" {
			return nil, cmdutil.FlagErrorf("--map %q: the claim is empty; name an ID-token claim", m)
		}
	}
	return c, nil
}

func addRun(o *AddOptions) error {
	f := o.Factory
	io := f.IOStreams
	cfg, err := o.config()
	if err != nil {
		return err
	}
	// The name makes a path: checked before any file is looked at.
	if err := brand.ValidateName(o.Name); o.Name != "" && err != nil {
		return cmdutil.FlagErrorf("--name: %v", err)
	}
	store := f.Workspace()
	if o.Discover != "" {
		if err := o.discover(cfg); err != nil {
			return err
		}
	}
	// The fields add sets: those given, and those the form asks. Any other
	// field an existing file holds (channel, orgId, comments…) stays.
	fields := givenFields(cfg)
	st := &formState{cfg: cfg, existing: o.existing}
	st.preview = func() (addResult, error) {
		cur, exists, err := o.current(cfg.Brand)
		if err != nil {
			return addResult{}, err
		}
		st.base = cur
		return o.compose(cfg, append(slices.Clone(fields), st.asked...), cur, exists, true)
	}
	if plan := planForm(cfg, len(o.Maps) > 0, f.CanPrompt()); plan.show {
		if !f.CanPrompt() {
			if o.noDiscoveredUserinfo {
				return noUserinfoError(o.Discover, plan.missingRequired)
			}
			return missingFlagsError(plan.missingRequired)
		}
		if o.noDiscoveredUserinfo {
			fmt.Fprintf(io.ErrOut, "Discovery at %s names no userinfo_endpoint; the gateway needs one, so enter the CIAM's userinfo URL.\n", o.Discover)
		}
		st.plan = plan
		if err := o.askForm(o, st); err != nil {
			if errors.Is(err, cmdutil.ErrCancelled) {
				return err
			}
			return fmt.Errorf("form: %w", err)
		}
		fields = append(fields, st.asked...)
	}

	problems := cfg.Validate()
	if err := flagProblemsError(problems); err != nil {
		return err
	}
	// A confirmed form stands in for --force: the person saw what changes.
	allow := o.Force || st.confirmed
	path := store.Path(cfg.Brand)
	if o.DryRun {
		cur, exists, err := o.current(cfg.Brand)
		if err != nil {
			return err
		}
		res, err := o.compose(cfg, fields, cur, exists, allow)
		if err != nil {
			return err
		}
		if f.Globals.Output != cmdutil.FormatText {
			next, _, _ := brand.Decode(res.data)
			return cmdutil.WriteStructured(io.Out, f.Globals.Output, next)
		}
		_, err = io.Out.Write(res.data)
		if res.exists {
			fmt.Fprintf(io.ErrOut, "Dry run: %s exists; this is the file as it would be written.\n", path)
			writeChanges(io.ErrOut, io.ErrColorScheme(), res.changes)
		}
		printWarnings(f, problems)
		return err
	}
	var res addResult
	outcome, err := store.Put(o.Ctx, cfg.Brand, func(cur []byte, exists bool) ([]byte, error) {
		if st.confirmed && (exists != (st.base != nil) || !bytes.Equal(cur, st.base)) {
			return nil, cmdutil.WithHint(fmt.Errorf("brand %q: %s changed while the form was open; nothing was written%w", cfg.Brand, path, existsMarker{}),
				"run the command again to start from the file as it is now")
		}
		var err error
		res, err = o.compose(cfg, fields, cur, exists, allow)
		return res.data, err
	})
	if err != nil {
		return err
	}
	printWarnings(f, problems)
	return reportAdd(f, cfg.Brand, path, outcome, res)
}

// givenFields are the fields a config from flags sets.
func givenFields(c *brand.Config) []string {
	var fields []string
	for _, k := range brand.SettableKeys() {
		if c.Lookup(k) != "" && !strings.HasPrefix(k, "channel.") {
			fields = append(fields, k)
		}
	}
	return fields
}

// current reads a brand's file as it is (nil, false when there is none).
func (o *AddOptions) current(name string) ([]byte, bool, error) {
	path := o.Factory.Workspace().Path(name)
	data, err := workspace.ReadBrandFile(workspace.File{Path: path, Listed: true})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case errors.Is(err, safefile.ErrSkipped):
		return nil, false, fmt.Errorf("%w; move it away first: %w", err, workspace.ErrIO)
	case err != nil:
		return nil, false, workspace.IOError("read", path, err)
	}
	return data, true, nil
}

// existing is the config of a brand's file, for the form to start from;
// nil when there is none or it cannot be read.
func (o *AddOptions) existing(name string) *brand.Config {
	if brand.ValidateName(name) != nil {
		return nil
	}
	data, exists, err := o.current(name)
	if err != nil || !exists {
		return nil
	}
	cfg, _, _ := brand.Decode(data)
	return cfg
}

// addResult is what add writes: the file's bytes and, for a file that
// existed, the fields that change.
type addResult struct {
	data     []byte
	exists   bool
	replaced bool // the existing file could not be edited and --force replaced it
	changes  []brand.FieldChange
}

// compose makes the file add writes. A new brand gets a fresh file. An
// existing one is edited in place (comments, key order and every field add
// was not given stay): values equal to the file's change nothing, and
// different ones need allow (--force, or a confirmed form), else the error
// names each field that differs.
func (o *AddOptions) compose(cfg *brand.Config, fields []string, cur []byte, exists, allow bool) (addResult, error) {
	path := o.Factory.Workspace().Path(cfg.Brand)
	if !exists {
		data, err := brand.Encode(cfg)
		return addResult{data: data}, err
	}
	if err := brand.Editable(cur); err != nil {
		if !o.Force {
			return addResult{data: cur, exists: true}, cmdutil.WithHint(fmt.Errorf("brand %q: %s cannot be edited: %v%w", cfg.Brand, path, err, existsMarker{}),
				"fix the file (`ciamctl brand edit %s`), or pass --force to replace it", cfg.Brand)
		}
		data, err := brand.Encode(cfg)
		return addResult{data: data, exists: true, replaced: true}, err
	}
	old, _, _ := brand.Decode(cur)
	var changes []brand.Change
	var diff []brand.FieldChange
	for _, field := range fields {
		from, to := old.Lookup(field), cfg.Lookup(field)
		if from == to {
			continue
		}
		diff = append(diff, brand.FieldChange{Field: field, From: from, To: to})
		ch := brand.Change{Path: field, Value: to, Remove: to == ""}
		if field == "ciam.algorithms" && to != "" {
			ch.List = cfg.CIAM.Algorithms
		}
		changes = append(changes, ch)
	}
	res := addResult{data: cur, exists: true, changes: diff}
	if len(changes) == 0 {
		return res, nil
	}
	if !allow {
		return res, conflictError(cfg.Brand, path, diff)
	}
	next, err := brand.Edit(cur, changes)
	if err != nil {
		return res, fmt.Errorf("brand %q: %s: %w", cfg.Brand, path, err)
	}
	if err := resultProblems(path, cur, next); err != nil {
		return res, err
	}
	res.data = next
	return res, nil
}

// conflictError names every field whose value differs from the file's, and
// how to change them while keeping the rest.
func conflictError(name, path string, diff []brand.FieldChange) error {
	var parts, args []string
	for _, d := range diff {
		parts = append(parts, fmt.Sprintf("%s (%s in the file, %s given)", d.Field, shown(d.From), shown(d.To)))
		if d.To == "" {
			args = append(args, d.Field+"-")
		} else {
			args = append(args, cmdutil.ShellQuote(d.Field+"="+strings.ReplaceAll(d.To, ", ", ",")))
		}
	}
	return cmdutil.WithHint(
		fmt.Errorf("brand %q: %s exists with other values for %s%w", name, path, strings.Join(parts, ", "), existsMarker{}),
		"pass --force to change these fields and keep the rest of the file (channel, comments, other keys), or run `ciamctl brand set %s %s`",
		name, strings.Join(args, " "))
}

func shown(v string) string {
	if v == "" {
		return "unset"
	}
	return strconv.Quote(v)
}

// existsMarker lets errors.Is(err, workspace.ErrExists) hold without adding text.
type existsMarker struct{}

func (existsMarker) Error() string        { return "" }
func (existsMarker) Is(target error) bool { return target == workspace.ErrExists }

func reportAdd(f *cmdutil.Factory, name, path string, outcome workspace.Outcome, res addResult) error {
	word := "unchanged"
	switch {
	case outcome == workspace.Created:
		word = "created"
	case outcome == workspace.Replaced && res.replaced:
		word = "replaced"
	case outcome == workspace.Replaced:
		word = "updated"
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, writeResult{
			Brand: name, File: path, Result: word, Changes: res.changes,
		})
	}
	cs := f.IOStreams.ColorScheme()
	w := f.IOStreams.Out
	var err error
	switch word {
	case "created":
		_, err = fmt.Fprintf(w, "%s Created brand %s in %s\n", cs.SuccessIcon(), cs.Bold(name), path)
	case "replaced":
		_, err = fmt.Fprintf(w, "%s Replaced brand %s in %s (the old file could not be edited)\n", cs.SuccessIcon(), cs.Bold(name), path)
	case "updated":
		fmt.Fprintf(w, "%s Updated brand %s in %s\n", cs.SuccessIcon(), cs.Bold(name), path)
		writeChanges(w, cs, res.changes)
	default:
		_, err = fmt.Fprintf(w, "%s Brand %s is already in %s with these values; nothing changed\n", cs.SuccessIcon(), cs.Bold(name), path)
	}
	return err
}

func missingFlagsError(fields []string) error {
	var flags []string
	for _, rf := range requiredFlags {
		for _, f := range fields {
			if f == rf.field {
				flags = append(flags, rf.flag)
			}
		}
	}
	noun := "flag"
	if len(flags) > 1 {
		noun = "flags"
	}
	return cmdutil.WithHint(
		cmdutil.FlagErrorf("missing required %s %s", noun, strings.Join(flags, ", ")),
		"pass them as flags, or run on a terminal without --no-input to be asked")
}

// noUserinfoError explains a userinfo endpoint that discovery could not
// supply: the gateway needs one, and only the user can say which.
func noUserinfoError(issuer string, missing []string) error {
	msg := fmt.Sprintf("--discover %s: the discovery document names no userinfo_endpoint, and the gateway needs one to read the customer's profile; pass --userinfo-endpoint URL", issuer)
	var others []string
	for _, rf := range requiredFlags {
		if rf.field != "ciam.userinfoEndpoint" && slices.Contains(missing, rf.field) {
			others = append(others, rf.flag)
		}
	}
	if len(others) > 0 {
		msg += fmt.Sprintf(" (also missing: %s)", strings.Join(others, ", "))
	}
	return cmdutil.WithHint(cmdutil.FlagErrorf("%s", msg),
		"some providers (Apple, Facebook) publish no userinfo endpoint; ask the CIAM's administrators for the URL the gateway should call, or run on a terminal to be asked")
}

// flagFor names the flag that sets a config field, for error messages.
func flagFor(field string) string {
	for _, rf := range requiredFlags {
		if rf.field == field {
			return rf.flag
		}
	}
	switch {
	case field == "ciam.issuer":
		return "--issuer"
	case field == "orgId":
		return "--org-id"
	case field == "displayName":
		return "--display-name"
	case field == "cluster":
		return "--cluster"
	case strings.HasPrefix(field, "ciam.algorithms"):
		return "--alg"
	case strings.HasPrefix(field, "mappings."):
		return "--map " + strings.TrimPrefix(field, "mappings.") + "="
	}
	return field
}

// flagProblemsError turns config errors into one usage error that speaks of
// flags, since the user typed flags, not YAML.
func flagProblemsError(problems []brand.FieldProblem) error {
	var msgs []string
	for _, p := range problems {
		if p.Severity != brand.SeverityError {
			continue
		}
		msg := strings.TrimPrefix(p.Message, p.Field+": ")
		msgs = append(msgs, flagFor(p.Field)+": "+msg)
	}
	if len(msgs) == 0 {
		return nil
	}
	return cmdutil.FlagErrorf("%s", strings.Join(msgs, "; "))
}

func printWarnings(f *cmdutil.Factory, problems []brand.FieldProblem) {
	cs := f.IOStreams.ErrColorScheme()
	for _, p := range problems {
		if p.Severity == brand.SeverityWarning {
			fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", cs.Yellow("warning:"), iostreams.SafeText(p.Message))
		}
	}
}
