package brandcmd

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// formPlan says which values the form must ask for: only those the flags left out.
type formPlan struct {
	missingRequired []string // config fields, in requiredFlags order
	askDisplayName  bool
	askIssuer       bool
	askMappings     bool
	// show: a form is needed (a required value is missing, or a person at
	// a terminal gave no --map and is asked for the mappings).
	show bool
}

func planForm(c *brand.Config, hasMaps, canPrompt bool) formPlan {
	var p formPlan
	for _, rf := range requiredFlags {
		if c.Lookup(rf.field) == "" {
			p.missingRequired = append(p.missingRequired, rf.field)
		}
	}
	p.askMappings = !hasMaps
	p.show = len(p.missingRequired) > 0 || (canPrompt && p.askMappings)
	// With every required flag given, only the mappings are asked.
	if len(p.missingRequired) > 0 {
		p.askDisplayName = c.DisplayName == ""
		p.askIssuer = c.CIAM.Issuer == ""
	}
	return p
}

// formState is what the form starts from and what it answers.
type formState struct {
	cfg  *brand.Config
	plan formPlan
	// existing returns a brand's current config, nil when it has no file.
	existing func(name string) *brand.Config
	// preview composes the file the answers would write.
	preview func() (addResult, error)

	asked     []string // the fields the form set (all it asked; an emptied optional one is removed)
	confirmed bool     // the person chose to write what the preview showed
	base      []byte   // the file the preview was made from (nil: none)
}

// standardClaim is the OpenID Connect standard claim for a platform field,
// offered as the form's default for a new brand.
func standardClaim(field string) string {
	switch field {
	case "firstname":
		return "given_name"
	case "lastname":
		return "family_name"
	case "mobile":
		return "phone_number"
	case "email":
		return "email"
	}
	return ""
}

// noneAnswer leaves an optional field empty where Enter keeps the default
// (accessible mode).
const noneAnswer = "-"

// leaveEmpty says how to leave an optional answer empty: in accessible mode
// Enter keeps the default, so it takes noneAnswer.
func leaveEmpty(accessible bool, what string) string {
	if accessible {
		return fmt.Sprintf("%q leaves it %s", noneAnswer, what)
	}
	return fmt.Sprintf("empty (or %q) leaves it %s", noneAnswer, what)
}

// formField is one question: a config field, its answer and its input.
type formField struct {
	path, title, desc string
	optional          bool
	value             string // the answer, bound to the input
	initial           string // the value the field started from
	validate          func(string) error
	input             *huh.Input
	accessible        bool
}

// prompt is the title shown: in accessible mode, where huh shows neither
// description nor default, both are part of it ("[default]", as aws
// configure shows it).
func (ff *formField) prompt() string {
	if !ff.accessible {
		return ff.title
	}
	p := ff.title + " (" + ff.desc + ")"
	if ff.value != "" {
		p += " [" + iostreams.SafeText(ff.value) + "]"
	}
	return p + ":"
}

// check validates an answer and names the field in its error.
func (ff *formField) check(s string) error {
	if ff.accessible && s == "" && ff.value != "" {
		return nil // Enter keeps the default
	}
	if ff.optional && (s == "" || s == noneAnswer) {
		return nil
	}
	if err := ff.validate(s); err != nil {
		return fmt.Errorf("%s: %w", ff.title, err)
	}
	return nil
}

// set gives the field a value to start from, as its answer and on screen.
func (ff *formField) set(v string) {
	ff.value, ff.initial = v, v
	if ff.input != nil {
		ff.input.Value(&ff.value).Title(ff.prompt())
	}
}

func (ff *formField) answer() string {
	if v := strings.TrimSpace(ff.value); v != noneAnswer {
		return v
	}
	return ""
}

// runForm asks for the missing values with a huh form on the terminal, each
// field validated as it is typed. A brand that exists is edited: the
// questions start from its file's values (also when its name is typed in
// the form). Before anything is written, the file as it will be written is
// shown with the fields that change, and the person writes it, goes back
// to the answers, or cancels.
func runForm(o *AddOptions, st *formState) error {
	f := o.Factory
	c := st.cfg
	accessible := f.Accessible()
	fields := o.formFields(st, accessible)

	prefilled := ""
	prefill := func(name string) {
		if name == prefilled {
			return
		}
		prefilled = name
		ex := st.existing(name)
		if ex == nil {
			return
		}
		for _, ff := range fields {
			if ff.path != "brand" && ff.value == ff.initial {
				ff.set(ex.Lookup(ff.path))
			}
		}
		if accessible || name == c.Brand {
			fmt.Fprintf(f.IOStreams.ErrOut, "Brand %s exists in %s: the questions start from its values, and the changes are shown before anything is written.\n",
				name, f.Workspace().Path(name))
		}
	}
	for _, ff := range fields {
		if ff.path == "brand" {
			validate := ff.validate
			ff.validate = func(s string) error {
				if err := validate(s); err != nil {
					return err
				}
				prefill(s) // huh calls this on Enter, before the next field shows
				return nil
			}
		}
	}
	if c.Brand != "" {
		prefill(c.Brand)
	}

	for {
		if err := f.RunForm(o.Ctx, buildForm(c, fields, accessible)); err != nil {
			return err
		}
		st.asked = st.asked[:0]
		for _, ff := range fields {
			ff.value = ff.answer()
			if ff.path == "brand" {
				c.Brand = ff.answer()
				continue
			}
			st.asked = append(st.asked, ff.path)
			c.Apply(brand.Change{Path: ff.path, Value: ff.answer(), Remove: ff.answer() == ""})
		}
		next, err := o.confirm(st)
		if err != nil || next != choiceEdit {
			return err
		}
		for _, ff := range fields {
			ff.input = nil // a new form is built from the answers
		}
	}
}

// formFields are the questions the plan asks, starting from the flags'
// values and, for mappings of a new brand, the standard claims.
func (o *AddOptions) formFields(st *formState, accessible bool) []*formField {
	c, plan := st.cfg, st.plan
	defs := map[string]formField{
		"brand":                 {title: "Brand name", desc: "lowercase letters, digits and dashes; also the file name", validate: brand.ValidateName},
		"ciam.applicationId":    {title: "Application ID", desc: "the ID of the application registered in the CIAM", validate: brand.ValidateID},
		"ciam.clientId":         {title: "Client ID", desc: "the OAuth client ID; ID tokens carry it as their audience", validate: brand.ValidateID},
		"ciam.jwksUri":          {title: "JWKS URI", desc: "where the CIAM publishes its signing keys; https", validate: brand.ValidateURL},
		"ciam.userinfoEndpoint": {title: "Userinfo endpoint", desc: "the CIAM's userinfo URL; https", validate: brand.ValidateURL},
		"displayName": {title: "Display name", optional: true, validate: brand.ValidateDisplayName,
			desc: `optional: the brand's name as the platform knows it, e.g. "Acme Loyalty"; the ticket prints it`},
		"ciam.issuer": {title: "Issuer", optional: true, validate: brand.ValidateURL,
			desc: "optional: the iss claim of the CIAM's ID tokens; without it the issuer is not checked"},
	}
	if o.noDiscoveredUserinfo {
		d := defs["ciam.userinfoEndpoint"]
		d.desc = "discovery at " + o.Discover + " names no userinfo_endpoint; the gateway needs one: the CIAM's userinfo URL, https"
		defs["ciam.userinfoEndpoint"] = d
	}
	var paths []string
	paths = append(paths, plan.missingRequired...)
	if plan.askDisplayName {
		paths = append(paths, "displayName")
	}
	if plan.askIssuer {
		paths = append(paths, "ciam.issuer")
	}
	var fields []*formField
	for _, p := range paths {
		ff := defs[p]
		ff.path, ff.accessible = p, accessible
		if ff.optional {
			ff.desc += "; " + leaveEmpty(accessible, "empty")
		}
		ff.set(c.Lookup(p))
		fields = append(fields, &ff)
	}
	if plan.askMappings {
		for _, m := range brand.MappingFields {
			ff := &formField{path: "mappings." + m, title: "Claim for " + m, optional: true, accessible: accessible,
				desc:     "an ID-token claim name, or a JSON Pointer such as /contact/email; " + leaveEmpty(accessible, "unmapped"),
				validate: brand.ValidateClaimRef}
			ff.set(standardClaim(m))
			fields = append(fields, ff)
		}
	}
	return fields
}

// buildForm makes the huh form for the questions: the brand's fields, then
// the claim mappings.
func buildForm(c *brand.Config, fields []*formField, accessible bool) *huh.Form {
	var main, maps []huh.Field
	for _, ff := range fields {
		in := huh.NewInput().Value(&ff.value).Validate(ff.check)
		ff.input = in
		in.Title(ff.prompt())
		if !accessible {
			in.Description(upperFirst(ff.desc) + ".")
		}
		if strings.HasPrefix(ff.path, "mappings.") {
			maps = append(maps, in)
		} else {
			main = append(main, in)
		}
	}
	var groups []*huh.Group
	if len(main) > 0 {
		title := "New brand"
		if c.Brand != "" {
			title = "Brand " + c.Brand
		}
		groups = append(groups, huh.NewGroup(main...).Title(title))
	}
	if len(maps) > 0 {
		groups = append(groups, huh.NewGroup(maps...).Title("Claim mappings: platform field ← ID-token claim"))
	}
	return huh.NewForm(groups...).WithShowHelp(true)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

const (
	choiceWrite  = "write"
	choiceEdit   = "edit"
	choiceCancel = "cancel"
)

// confirm shows the file as it will be written (and, for a brand that
// exists, the fields that change) and asks what to do with it.
func (o *AddOptions) confirm(st *formState) (string, error) {
	f := o.Factory
	w := f.IOStreams.ErrOut
	cs := f.IOStreams.ErrColorScheme()
	res, err := st.preview()
	if err != nil {
		return "", err
	}
	path := f.Workspace().Path(st.cfg.Brand)
	verb := "Write"
	if o.DryRun {
		verb = "Print"
		fmt.Fprintf(w, "\n%s as it would be written (dry run: it is printed, not written):\n", path)
	} else {
		fmt.Fprintf(w, "\n%s as it will be written:\n", path)
	}
	fmt.Fprintf(w, "%s\n", cs.Gray(strings.TrimRight(iostreams.SafeLines(string(res.data)), "\n")))
	switch {
	case res.exists && len(res.changes) == 0:
		fmt.Fprintf(w, "Brand %s already has these values; nothing changes.\n", st.cfg.Brand)
	case res.exists:
		fmt.Fprintf(w, "Changes to brand %s (its other fields, comments and channel stay):\n", st.cfg.Brand)
		writeChanges(w, cs, res.changes)
	}
	title := fmt.Sprintf("%s %s?", verb, path)
	if o.DryRun {
		title = "Print the brand file? (dry run: nothing is written)"
	}
	choice := choiceWrite
	form := huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Title(title).Options(
		huh.NewOption(verb, choiceWrite),
		huh.NewOption("Change the answers", choiceEdit),
		huh.NewOption("Cancel", choiceCancel),
	).Value(&choice)))
	if err := f.RunForm(o.Ctx, form); err != nil {
		return "", err
	}
	switch choice {
	case choiceCancel:
		return "", cmdutil.ErrCancelled
	case choiceWrite:
		st.confirmed = true
	}
	return choice, nil
}
