package brand

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ciamctl/ciamctl/internal/cluster"
)

// requiredHint says where a missing value comes from.
func requiredHint(field string) (string, bool) {
	switch field {
	case "brand":
		return "the brand's name, which is also the file name", true
	case "ciam.applicationId":
		return "the ID of the application registered in the CIAM", true
	case "ciam.clientId":
		return "the OAuth client ID, which is the ID token's audience", true
	case "ciam.jwksUri":
		return "the URL of the CIAM's public signing keys; `ciamctl brand add --discover ISSUER` finds it", true
	case "ciam.userinfoEndpoint":
		return "the CIAM's userinfo URL; `ciamctl brand add --discover ISSUER` finds it", true
	}
	return "", false
}

// Validate checks every field of a config. It knows nothing of files, so it
// serves flags, forms and files alike; CheckFile places the results.
func (c *Config) Validate() []FieldProblem {
	var ps []FieldProblem
	add := func(field string, sev Severity, format string, args ...any) {
		ps = append(ps, FieldProblem{Field: field, Severity: sev, Message: field + ": " + fmt.Sprintf(format, args...)})
	}
	check := func(field string, err error) {
		if err == nil {
			return
		}
		if h, ok := requiredHint(field); ok && err.Error() == "is required" {
			add(field, SeverityError, "is required: %s", h)
			return
		}
		add(field, SeverityError, "%s", err.Error())
	}

	switch {
	case c.APIVersion == "":
		add("apiVersion", SeverityError, "is required; set it to %q", APIVersion)
	case c.APIVersion != APIVersion:
		add("apiVersion", SeverityError, "%q is not supported; this ciamctl reads %q", c.APIVersion, APIVersion)
	}
	switch {
	case c.Kind == "":
		add("kind", SeverityError, "is required; set it to %q", Kind)
	case c.Kind != Kind:
		add("kind", SeverityError, "%q is not a brand file; expected %q", c.Kind, Kind)
	}
	check("brand", ValidateName(c.Brand))
	if c.DisplayName != "" {
		check("displayName", ValidateDisplayName(c.DisplayName))
	}
	if c.OrgID < 0 {
		add("orgId", SeverityError, "%d is not a platform org ID; it must be a positive number", c.OrgID)
	}
	if c.Cluster != "" {
		check("cluster", cluster.Check(c.Cluster))
	}

	check("ciam.applicationId", ValidateID(c.CIAM.ApplicationID))
	check("ciam.clientId", ValidateID(c.CIAM.ClientID))
	check("ciam.jwksUri", ValidateURL(c.CIAM.JWKSURI))
	check("ciam.userinfoEndpoint", ValidateURL(c.CIAM.UserinfoEndpoint))
	if c.CIAM.Issuer == "" {
		add("ciam.issuer", SeverityWarning, "is not set, so token checks cannot compare the iss claim; set it or run `ciamctl brand add --discover`")
	} else {
		check("ciam.issuer", ValidateURL(c.CIAM.Issuer))
	}
	ps = append(ps, c.validateAlgorithms()...)
	ps = append(ps, c.validateMappings()...)
	ps = append(ps, c.validateChannel()...)
	ps = append(ps, c.crossChecks()...)
	return ps
}

func (c *Config) validateAlgorithms() []FieldProblem {
	var ps []FieldProblem
	if c.CIAM.Algorithms != nil && len(c.CIAM.Algorithms) == 0 {
		return append(ps, FieldProblem{"ciam.algorithms", SeverityError,
			"ciam.algorithms: an empty list would reject every token; remove the key to use the default"})
	}
	seen := map[string]bool{}
	for i, a := range c.CIAM.Algorithms {
		field := fmt.Sprintf("ciam.algorithms[%d]", i)
		if err := ValidateAlgorithm(a); err != nil {
			ps = append(ps, FieldProblem{field, SeverityError, field + ": " + err.Error()})
			continue
		}
		if seen[a] {
			ps = append(ps, FieldProblem{field, SeverityWarning, fmt.Sprintf("%s: %q is listed twice", field, a)})
		}
		seen[a] = true
	}
	return ps
}

func (c *Config) validateMappings() []FieldProblem {
	var ps []FieldProblem
	m := c.Mappings
	for _, f := range MappingFields {
		if v := m.Get(f); v != "" {
			if err := ValidateClaimRef(v); err != nil {
				ps = append(ps, FieldProblem{"mappings." + f, SeverityError, "mappings." + f + ": " + err.Error()})
			}
		}
	}
	if m.Email == "" && m.Mobile == "" {
		ps = append(ps, FieldProblem{"mappings", SeverityWarning,
			"mappings: neither email nor mobile is mapped, so customers get no contact identifier; map at least one"})
	}
	if m.Firstname != "" && m.Firstname == m.Lastname {
		ps = append(ps, FieldProblem{"mappings.lastname", SeverityWarning,
			fmt.Sprintf("mappings.lastname: maps the same claim %q as firstname", m.Lastname)})
	}
	for _, f := range MappingFields {
		if m.Get(f) == "sub" {
			ps = append(ps, FieldProblem{"mappings." + f, SeverityWarning,
				"mappings." + f + ": maps the \"sub\" claim, which the platform already stores as cuid"})
		}
	}
	return ps
}

func (c *Config) validateChannel() []FieldProblem {
	ch := c.Channel
	if ch == nil {
		return nil
	}
	var ps []FieldProblem
	if ch.Source != SourceOAuthExternal {
		ps = append(ps, FieldProblem{"channel.source", SeverityError,
			fmt.Sprintf("channel.source: %q is not the gateway's source; it must be %q", ch.Source, SourceOAuthExternal)})
	}
	if err := ValidateID(ch.AccountID); err != nil {
		ps = append(ps, FieldProblem{"channel.accountId", SeverityError,
			"channel.accountId: " + err.Error() + "; run `ciamctl channel link` to record it"})
	}
	return ps
}

// crossChecks flag combinations that are legal but usually a mistake.
func (c *Config) crossChecks() []FieldProblem {
	iss, err1 := url.Parse(c.CIAM.Issuer)
	jwks, err2 := url.Parse(c.CIAM.JWKSURI)
	if c.CIAM.Issuer == "" || err1 != nil || err2 != nil || iss.Host == "" || jwks.Host == "" {
		return nil
	}
	if !strings.EqualFold(iss.Hostname(), jwks.Hostname()) {
		return []FieldProblem{{"ciam.jwksUri", SeverityWarning, fmt.Sprintf(
			"ciam.jwksUri: host %q differs from the issuer's %q; check that the keys belong to this CIAM", jwks.Hostname(), iss.Hostname())}}
	}
	return nil
}
