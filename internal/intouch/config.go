package intouch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ciamctl/ciamctl/internal/cluster"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// Environment variable names, fixed by the CLI contract.
const (
	EnvURL          = "CIAMCTL_INTOUCH_URL"
	EnvOrgID        = "CIAMCTL_INTOUCH_ORG_ID"
	EnvClientKey    = "CIAMCTL_INTOUCH_CLIENT_KEY"
	EnvClientSecret = "CIAMCTL_INTOUCH_CLIENT_SECRET"
	EnvUsername     = "CIAMCTL_INTOUCH_USERNAME"
	EnvPassword     = "CIAMCTL_INTOUCH_PASSWORD"
)

// DefaultMaxRetries is used when Config.MaxRetries is 0.
const DefaultMaxRetries = 3

// ClusterNames returns the preset names, sorted, for help texts.
func ClusterNames() []string { return cluster.Names() }

// ClusterURL returns the base URL of a cluster preset (case-insensitive).
func ClusterURL(name string) (string, error) {
	if u, ok := cluster.URL(name); ok {
		return u, nil
	}
	return "", fmt.Errorf("%w: unknown cluster %q (known: %s)", ErrConfig, name, strings.Join(ClusterNames(), ", "))
}

// Config holds everything the client needs. Zero values get sensible defaults in New.
type Config struct {
	BaseURL string
	// URLFrom names where BaseURL came from ("--intouch-url"), for errors;
	// "": the CIAMCTL_INTOUCH_URL variable.
	URLFrom string
	OrgID   string

	// OAuth (preferred): key and secret exchanged for a short-lived token.
	ClientKey, ClientSecret string
	// Basic: the password is sent as its md5 hex, as the platform expects.
	Username, Password string
	// CredentialsFrom says where the credentials came from, for messages
	// (`profile "eu-50123"`); "": the CIAMCTL_INTOUCH_* variables.
	CredentialsFrom string

	HTTPClient *http.Client // nil: a client with a 30s timeout
	Debug      io.Writer    // nil: no trace; otherwise one redacted line per request and response

	Now   func() time.Time                                 // nil: time.Now
	Sleep func(ctx context.Context, d time.Duration) error // nil: a context-aware timer
	// MaxRetries bounds the retries after the first attempt: 0 means DefaultMaxRetries, negative means none.
	MaxRetries int
}

// ConfigFromEnv reads the CIAMCTL_INTOUCH_* variables. getenv is usually os.Getenv.
// CIAMCTL_INTOUCH_URL may also name a cluster preset ("eu", "us", ...).
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		BaseURL:      strings.TrimSpace(getenv(EnvURL)),
		OrgID:        strings.TrimSpace(getenv(EnvOrgID)),
		ClientKey:    strings.TrimSpace(getenv(EnvClientKey)),
		ClientSecret: getenv(EnvClientSecret),
		Username:     strings.TrimSpace(getenv(EnvUsername)),
		Password:     getenv(EnvPassword),
	}
	if u, err := ClusterURL(c.BaseURL); err == nil {
		c.BaseURL = u
	}
	return c
}

// AuthMode tells which credentials the config carries.
type AuthMode string

const (
	AuthNone  AuthMode = "none"
	AuthOAuth AuthMode = "oauth"
	AuthBasic AuthMode = "basic"
)

// AuthMode prefers OAuth when both kinds of credentials are set, as the platform docs do.
func (c Config) AuthMode() AuthMode {
	switch {
	case c.ClientKey != "" && c.ClientSecret != "":
		return AuthOAuth
	case c.Username != "" && c.Password != "":
		return AuthBasic
	}
	return AuthNone
}

// Validate reports what is missing to make authenticated calls; it never echoes secret values.
func (c Config) Validate() error {
	if c.BaseURL == "" {
		return fmt.Errorf("%w: no Intouch base URL: set %s or choose a cluster (%s)", ErrConfig, EnvURL, strings.Join(ClusterNames(), ", "))
	}
	// The secret (or its md5) and the tokens travel to this URL: https only,
	// plain http only to loopback (the sandbox), never credentials in it.
	if _, err := urlpolicy.Check(c.BaseURL); err != nil {
		from := c.URLFrom
		if from == "" {
			from = EnvURL
		}
		return fmt.Errorf("%w: %s %s: %w", ErrConfig, from, redact.URL(c.BaseURL), err)
	}
	if c.AuthMode() == AuthNone {
		return fmt.Errorf("%w: no Intouch credentials: set %s and %s (OAuth) or %s and %s (basic)",
			ErrConfig, EnvClientKey, EnvClientSecret, EnvUsername, EnvPassword)
	}
	return nil
}
