package brandcmd

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// formPlan says which values the form must ask for: only those the flags left out.
type formPlan struct {
	missingRequired []string // config fields, in requiredFlags order
	askDisplayName  bool
	askIssuer       bool
	askMappings     bool
}

func (p formPlan) empty() bool { return len(p.missingRequired) == 0 }

func planForm(c *brand.Config, hasMaps bool) formPlan {
	var p formPlan
	values := map[string]string{
		"brand":                 c.Brand,
		"ciam.applicationId":    c.CIAM.ApplicationID,
		"ciam.clientId":         c.CIAM.ClientID,
		"ciam.jwksUri":          c.CIAM.JWKSURI,
		"ciam.userinfoEndpoint": c.CIAM.UserinfoEndpoint,
	}
	for _, rf := range requiredFlags {
		if values[rf.field] == "" {
			p.missingRequired = append(p.missingRequired, rf.field)
		}
	}
	p.askDisplayName = c.DisplayName == ""
	p.askIssuer = c.CIAM.Issuer == ""
	p.askMappings = !hasMaps
	return p
}

// standardClaims are the OpenID Connect standard claims for each platform
// field, offered as the form's defaults.
var standardClaims = map[string]string{
	"firstname": "given_name",
	"lastname":  "family_name",
	"mobile":    "phone_number",
	"email":     "email",
}

func optional(validate func(string) error) func(string) error {
	return func(s string) error {
		if s == "" {
			return nil
		}
		return validate(s)
	}
}

// runForm asks for the missing values with a huh form on the terminal, each
// field validated as it is typed, and confirms before anything is written.
func runForm(o *AddOptions, c *brand.Config, plan formPlan) error {
	f := o.Factory
	type input struct {
		field, title, desc string
		dst                *string
		validate           func(string) error
	}
	all := map[string]input{
		"brand": {"brand", "Brand name", "Lowercase letters, digits and dashes; also the file name.",
			&c.Brand, brand.ValidateName},
		"ciam.applicationId": {"ciam.applicationId", "Application ID", "The ID of the application registered in the CIAM.",
			&c.CIAM.ApplicationID, brand.ValidateID},
		"ciam.clientId": {"ciam.clientId", "Client ID", "The OAuth client ID; ID tokens carry it as their audience.",
			&c.CIAM.ClientID, brand.ValidateID},
		"ciam.jwksUri": {"ciam.jwksUri", "JWKS URI", "Where the CIAM publishes its signing keys (https).",
			&c.CIAM.JWKSURI, brand.ValidateURL},
		"ciam.userinfoEndpoint": {"ciam.userinfoEndpoint", "Userinfo endpoint", "The CIAM's userinfo URL (https).",
			&c.CIAM.UserinfoEndpoint, brand.ValidateURL},
	}
	if o.noDiscoveredUserinfo {
		in := all["ciam.userinfoEndpoint"]
		in.desc = "Discovery at " + o.Discover + " names no userinfo_endpoint; the gateway needs one: the CIAM's userinfo URL (https)."
		all["ciam.userinfoEndpoint"] = in
	}
	var fields []huh.Field
	for _, name := range plan.missingRequired {
		in := all[name]
		fields = append(fields, huh.NewInput().Title(in.title).Description(in.desc).Value(in.dst).Validate(in.validate))
	}
	if plan.askDisplayName {
		fields = append(fields, huh.NewInput().Title("Display name (optional)").
			Description(`The brand's name as the platform knows it, e.g. "Acme Loyalty"; the ticket prints it.`).
			Value(&c.DisplayName).Validate(optional(brand.ValidateDisplayName)))
	}
	if plan.askIssuer {
		fields = append(fields, huh.NewInput().Title("Issuer (optional)").
			Description("The iss claim of the CIAM's ID tokens; leave empty to skip the issuer check.").
			Value(&c.CIAM.Issuer).Validate(optional(brand.ValidateURL)))
	}
	groups := []*huh.Group{huh.NewGroup(fields...).Title("Brand " + c.Brand)}

	claims := map[string]*string{}
	if plan.askMappings {
		var mf []huh.Field
		for _, field := range brand.MappingFields {
			v := standardClaims[field]
			claims[field] = &v
			mf = append(mf, huh.NewInput().Title("Claim for "+field).
				Description("An ID-token claim name, or a JSON Pointer such as /contact/email; empty leaves it unmapped.").
				Value(claims[field]).Validate(optional(brand.ValidateClaimRef)))
		}
		groups = append(groups, huh.NewGroup(mf...).Title("Claim mappings"))
	}

	run := func(groups ...*huh.Group) error {
		return cmdutil.RunForm(o.Ctx, f, huh.NewForm(groups...).WithShowHelp(true))
	}
	if err := run(groups...); err != nil {
		return err
	}
	for field, v := range claims {
		c.Mappings.Set(field, strings.TrimSpace(*v))
	}

	// The confirmation is a form of its own so its title can name the final
	// file, which depends on the brand name typed above.
	confirmed := true
	if err := run(huh.NewGroup(huh.NewConfirm().
		Title(fmt.Sprintf("Write %s?", f.Workspace().Path(c.Brand))).
		Affirmative("Write").Negative("Cancel").Value(&confirmed))); err != nil {
		return err
	}
	if !confirmed {
		return cmdutil.ErrCancelled
	}
	return nil
}
