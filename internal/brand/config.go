// Package brand is the brand configuration model: one YAML file per brand that
// tells the gateway how to trust the brand's CIAM and map its ID-token claims.
package brand

import "strconv"

// APIVersion and Kind identify a brand file.
const (
	APIVersion = "ciamctl/v1"
	Kind       = "BrandConfig"
	// SourceOAuthExternal is the platform source of customers who sign in through a CIAM.
	SourceOAuthExternal = "OAUTH_EXTERNAL"
)

// Config is one brand's gateway configuration, as stored in <brand>.yaml.
type Config struct {
	APIVersion string `yaml:"apiVersion" json:"apiVersion"`
	Kind       string `yaml:"kind" json:"kind"`
	Brand      string `yaml:"brand" json:"brand"`
	// DisplayName is the brand's name as the platform knows it ("Acme Loyalty"): any text, unlike Brand,
	// which is a file-safe key.
	DisplayName string   `yaml:"displayName,omitempty" json:"displayName,omitempty"`
	OrgID       int64    `yaml:"orgId,omitempty" json:"orgId,omitempty"`
	Cluster     string   `yaml:"cluster,omitempty" json:"cluster,omitempty"` // a platform cluster preset (internal/cluster)
	CIAM        CIAM     `yaml:"ciam" json:"ciam"`
	Mappings    Mappings `yaml:"mappings" json:"mappings"`
	Channel     *Channel `yaml:"channel,omitempty" json:"channel,omitempty"`
}

// Org returns the brand's platform org ID as the Intouch API writes it, or
// "" when the file sets none (the environment or --org-id must then).
func (c *Config) Org() string {
	if c.OrgID == 0 {
		return ""
	}
	return strconv.FormatInt(c.OrgID, 10)
}

// CIAM holds what the gateway needs from the brand's OpenID Connect provider.
type CIAM struct {
	Provider         string   `yaml:"provider,omitempty" json:"provider,omitempty"`
	ApplicationID    string   `yaml:"applicationId" json:"applicationId"`
	ClientID         string   `yaml:"clientId" json:"clientId"`
	Issuer           string   `yaml:"issuer,omitempty" json:"issuer,omitempty"`
	UserinfoEndpoint string   `yaml:"userinfoEndpoint" json:"userinfoEndpoint"`
	JWKSURI          string   `yaml:"jwksUri" json:"jwksUri"`
	Algorithms       []string `yaml:"algorithms,omitempty" json:"algorithms,omitempty"`
}

// Mappings maps platform customer fields to ID-token claims: a claim name
// taken literally, or a JSON Pointer when it starts with "/".
type Mappings struct {
	Firstname string `yaml:"firstname,omitempty" json:"firstname,omitempty"`
	Lastname  string `yaml:"lastname,omitempty" json:"lastname,omitempty"`
	Mobile    string `yaml:"mobile,omitempty" json:"mobile,omitempty"`
	Email     string `yaml:"email,omitempty" json:"email,omitempty"`
}

// Channel is the org's OAUTH_EXTERNAL channel account, recorded by `channel link`.
type Channel struct {
	Source      string `yaml:"source" json:"source"`
	AccountID   string `yaml:"accountId" json:"accountId"`
	AccountName string `yaml:"accountName,omitempty" json:"accountName,omitempty"`
}

// MappingFields are the platform fields a CIAM can fill, in display order.
var MappingFields = []string{"firstname", "lastname", "mobile", "email"}

// Get returns the claim reference mapped to a platform field.
func (m Mappings) Get(field string) string {
	switch field {
	case "firstname":
		return m.Firstname
	case "lastname":
		return m.Lastname
	case "mobile":
		return m.Mobile
	case "email":
		return m.Email
	}
	return ""
}

// Set maps a platform field to a claim reference; it reports false for a field
// the gateway does not know.
func (m *Mappings) Set(field, claim string) bool {
	switch field {
	case "firstname":
		m.Firstname = claim
	case "lastname":
		m.Lastname = claim
	case "mobile":
		m.Mobile = claim
	case "email":
		m.Email = claim
	default:
		return false
	}
	return true
}

// AsMap returns the mapped fields only, keyed by platform field.
func (m Mappings) AsMap() map[string]string {
	out := map[string]string{}
	for _, f := range MappingFields {
		if v := m.Get(f); v != "" {
			out[f] = v
		}
	}
	return out
}

// Name is the brand's name for people: DisplayName, else the key.
func (c *Config) Name() string {
	if c.DisplayName != "" {
		return c.DisplayName
	}
	return c.Brand
}

// New returns a config with the identifying header filled in.
func New(name string) *Config {
	return &Config{APIVersion: APIVersion, Kind: Kind, Brand: name}
}
