package brandcmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cluster"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
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
	askForm func(*AddOptions, *brand.Config, formPlan) error
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
"/", a JSON Pointer into the ID token claims (e.g. /contact/email).`,
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
  ciamctl brand add --dry-run --name acme ...`,
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
	fl.BoolVar(&opts.Force, "force", false, "overwrite an existing brand file with different values")
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
			if meant := brand.MappingFieldFor(field); meant != "" {
				return nil, cmdutil.FlagErrorf("--map %q: unknown field %q; did you mean --map %s=%s? (the gateway maps firstname, lastname, mobile and email)", m, field, meant, claim)
			}
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
	store := f.Workspace()
	if o.Discover != "" {
		if err := o.discover(cfg); err != nil {
			return err
		}
	}

	if plan := planForm(cfg, len(o.Maps) > 0); !plan.empty() {
		if !f.CanPrompt() {
			if o.noDiscoveredUserinfo {
				return noUserinfoError(o.Discover, plan.missingRequired)
			}
			return missingFlagsError(plan.missingRequired)
		}
		if o.noDiscoveredUserinfo {
			fmt.Fprintf(io.ErrOut, "Discovery at %s names no userinfo_endpoint; the gateway needs one, so enter the CIAM's userinfo URL.\n", o.Discover)
		}
		if err := o.askForm(o, cfg, plan); err != nil {
			if errors.Is(err, cmdutil.ErrCancelled) {
				return err
			}
			return fmt.Errorf("form: %w", err)
		}
	}

	problems := cfg.Validate()
	if err := flagProblemsError(problems); err != nil {
		return err
	}
	data, err := brand.Encode(cfg)
	if err != nil {
		return err
	}
	if o.DryRun {
		if f.Globals.Output != cmdutil.FormatText {
			return cmdutil.WriteStructured(io.Out, f.Globals.Output, cfg)
		}
		_, err := io.Out.Write(data)
		printWarnings(f, problems)
		return err
	}
	outcome, err := store.Save(o.Ctx, cfg.Brand, data, o.Force)
	if errors.Is(err, workspace.ErrExists) {
		return cmdutil.WithHint(err, "review it with `ciamctl brand show %s`; pass --force to overwrite", cfg.Brand)
	}
	if err != nil {
		return err
	}
	printWarnings(f, problems)
	return reportWrite(f, cfg.Brand, store.Path(cfg.Brand), outcome)
}

func reportWrite(f *cmdutil.Factory, name, path string, outcome workspace.Outcome) error {
	word := map[workspace.Outcome]string{
		workspace.Created: "created", workspace.Replaced: "replaced", workspace.Unchanged: "unchanged",
	}[outcome]
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, map[string]string{
			"brand": name, "file": path, "result": word,
		})
	}
	if f.IOStreams.Quiet() {
		return nil
	}
	cs := f.IOStreams.ColorScheme()
	var msg string
	switch outcome {
	case workspace.Created:
		msg = fmt.Sprintf("%s Created brand %s in %s", cs.SuccessIcon(), cs.Bold(name), path)
	case workspace.Replaced:
		msg = fmt.Sprintf("%s Replaced brand %s in %s", cs.SuccessIcon(), cs.Bold(name), path)
	default:
		msg = fmt.Sprintf("%s Brand %s is already in %s with these values; nothing changed", cs.SuccessIcon(), cs.Bold(name), path)
	}
	_, err := fmt.Fprintln(f.IOStreams.Out, msg)
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
