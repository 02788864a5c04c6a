// Package profile keeps platform (Intouch) credentials between commands, as
// gh keeps its tokens: the non-secret part of each profile (API URL, org,
// client key or username, and where the secret is) in a config file under
// the user config directory, the secret in the OS keychain, or, where there
// is none, in a file beside it that only the user may read.
package profile

import (
	"fmt"
	"net/url"
	"strings"
)

// Auth kinds a profile may hold (intouch.AuthOAuth / AuthBasic).
const (
	AuthOAuth = "oauth"
	AuthBasic = "basic"
)

// Where a profile's secret is kept.
const (
	StoreKeychain = "keychain"
	StoreFile     = "file"
)

// Profile is one set of platform credentials, without its secret.
type Profile struct {
	Name string `yaml:"-" json:"name"`
	// URL is the API base URL the secret may be sent to, and only it.
	URL string `yaml:"url" json:"url"`
	// Cluster is the preset URL came from ("" for --intouch-url).
	Cluster string `yaml:"cluster,omitempty" json:"cluster,omitempty"`
	OrgID   string `yaml:"orgId" json:"orgId"`
	Auth    string `yaml:"auth" json:"auth"`
	// ClientKey (OAuth) or Username (basic) identify the credentials; they
	// are not secret (the platform's UI shows the key beside its secret).
	ClientKey string `yaml:"clientKey,omitempty" json:"clientKey,omitempty"`
	Username  string `yaml:"username,omitempty" json:"username,omitempty"`
	// SecretStore says which backend holds the secret: keychain or file.
	SecretStore string `yaml:"secretStore" json:"secretStore"`
}

// Identity is the client key or username, whichever the profile has.
func (p *Profile) Identity() string {
	if p.Auth == AuthBasic {
		return p.Username
	}
	return p.ClientKey
}

// Where is the cluster preset, else the URL: how messages name the host.
func (p *Profile) Where() string {
	if p.Cluster != "" {
		return p.Cluster
	}
	return p.URL
}

// CheckName accepts a profile name: a letter or digit, then up to 62
// letters, digits, dots, dashes or underscores. (A loop, not a package-level
// regexp: nothing here may cost start-up time.)
func CheckName(name string) error {
	ok := len(name) > 0 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		ok = alnum || i > 0 && (c == '.' || c == '-' || c == '_')
	}
	if !ok {
		return fmt.Errorf("profile name %q: use a letter or digit, then letters, digits, '.', '-' or '_' (at most 63)", name)
	}
	return nil
}

// DefaultName names a profile after where it points: the cluster preset
// (or the URL's host and port) and the org, e.g. "eu-50123".
func DefaultName(cluster, rawURL, org string) string {
	where := cluster
	if where == "" {
		if u, err := url.Parse(rawURL); err == nil {
			where = u.Host
		}
	}
	// Hosts hold characters names do not (":" of a port, IPv6 brackets).
	name := strings.Trim(strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return r
		}
		return '-'
	}, where+"-"+org), "-._")
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-._")
	}
	if name == "" {
		return "intouch"
	}
	return name
}

// SameHost reports whether two API base URLs name the same place: scheme,
// host and port compared case-insensitively (default ports made explicit),
// paths without a trailing slash.
func SameHost(a, b string) bool {
	na, oka := normalURL(a)
	nb, okb := normalURL(b)
	return oka && okb && na == nb
}

func normalURL(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[scheme]
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port + strings.TrimRight(u.EscapedPath(), "/"), true
}
