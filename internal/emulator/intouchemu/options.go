package intouchemu

import (
	"fmt"
	"strings"
	"time"
)

// Options configure the emulator; zero values get the defaults below.
type Options struct {
	OrgID                   string // default "50123"
	ClientKey, ClientSecret string // OAuth credentials; default "emu-client-key" / "emu-client-secret"
	Username, Password      string // Basic credentials; default "emu-user" / "emu-password"
	TokenTTL                time.Duration
	Now                     func() time.Time
	// Sources seeds the org's channel accounts; nil seeds one INSTORE account (no OAUTH_EXTERNAL one,
	// so `channel link` has something to create).
	Sources []Source

	// MandatoryFields are the org's registration rules (Organization Settings › Miscellaneous › Registration
	// Configuration): add customer answers HTTP 403 "Mandatory field is missing. Field {x} is mandatory" when
	// the profile lacks one. Names: firstName, lastName, an identifier type (mobile, email, externalId) or a
	// custom field name.
	MandatoryFields []string
	// RateLimitPerMinute limits authenticated calls per API key (OAuth client key or Basic username) per
	// clock minute, answering HTTP 429 beyond it; 0 means no limit.
	RateLimitPerMinute int
	// APIDeniedSourceTypes are source types this org cannot create through the API: creating one answers
	// 3218 "invalid source type" (the integration guide creates OAUTH_EXTERNAL in the UI).
	APIDeniedSourceTypes []string

	// CredentialsOrgID is the org the credentials belong to, which access tokens name (org_id) and calls act on;
	// default OrgID. When it differs, calls reach OrgID (whose data the emulator holds) only with
	// X-CAP-API-AUTH-ORG-ID: OrgID, and only when CredentialsOrgIsParent; without the header they act on the
	// credentials' org, which has no source accounts.
	CredentialsOrgID       string
	CredentialsOrgIsParent bool
}

func (o *Options) defaults() {
	if o.OrgID == "" {
		o.OrgID = "50123"
	}
	if o.CredentialsOrgID == "" {
		o.CredentialsOrgID = o.OrgID
	}
	if o.ClientKey == "" {
		o.ClientKey = "emu-client-key"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "emu-client-secret"
	}
	if o.Username == "" {
		o.Username = "emu-user"
	}
	if o.Password == "" {
		o.Password = "emu-password"
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 300 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sources == nil {
		o.Sources = []Source{{Name: "Default InStore", SourceAccountIdentifier: "instore-default", SourceTypeName: "INSTORE", IsActive: true}}
	}
}

// Options returns the effective options (credentials included: it is a test double).
func (s *Server) Options() Options { return s.opts }

// Env returns the CIAMCTL_INTOUCH_* assignments that point ciamctl at this emulator.
func (s *Server) Env(baseURL string, basic bool) []string {
	env := []string{
		"CIAMCTL_INTOUCH_URL=" + baseURL,
		"CIAMCTL_INTOUCH_ORG_ID=" + s.opts.OrgID,
	}
	if basic {
		return append(env, "CIAMCTL_INTOUCH_USERNAME="+s.opts.Username, "CIAMCTL_INTOUCH_PASSWORD="+s.opts.Password)
	}
	return append(env, "CIAMCTL_INTOUCH_CLIENT_KEY="+s.opts.ClientKey, "CIAMCTL_INTOUCH_CLIENT_SECRET="+s.opts.ClientSecret)
}

// SetEnv adds Env's assignments to dst, an environment as a map.
func (s *Server) SetEnv(dst map[string]string, baseURL string, basic bool) {
	for _, kv := range s.Env(baseURL, basic) {
		k, v, _ := strings.Cut(kv, "=")
		dst[k] = v
	}
}

func (s *Server) String() string { return fmt.Sprintf("intouchemu(org %s)", s.opts.OrgID) }
