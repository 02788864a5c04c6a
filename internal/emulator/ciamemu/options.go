package ciamemu

import "time"

// Options configure the emulator; zero values get the defaults noted.
type Options struct {
	// Issuer fixes the issuer URL. Empty: Start sets it to the listener's URL, and otherwise it is derived
	// from each request's Host (call SetIssuer after httptest.NewServer for stable values).
	Issuer string
	// ClientID is the one OAuth client and the audience of ID tokens (default "ciamctl-demo").
	// ClientSecret, when set, makes it a confidential client: every token and device request must
	// present the secret, and client credentials are offered. Without it the client is public (a
	// native app, RFC 8252) and client credentials are not offered.
	ClientID, ClientSecret string
	// TokenAuthMethods are the client authentication methods accepted (and advertised); nil means
	// client_secret_basic and client_secret_post for a confidential client, none for a public one.
	TokenAuthMethods []string
	// Grants limits the grant types offered (and advertised) to these; nil offers every grant the
	// client can use: authorization_code, password, the device code, refresh_token and, for a
	// confidential client, client_credentials. With refresh_token offered, every sign-in of a user
	// also gets a refresh token (rotated on use, revocable).
	Grants []string
	// RedirectURIs are the client's registered redirect URIs (default http://127.0.0.1/callback).
	// One on a loopback IP literal (127.0.0.1 or [::1]) matches any port, as RFC 8252 §7.3 requires;
	// others must match exactly.
	RedirectURIs []string
	// DeviceInterval is the polling interval the device endpoint asks for (default 5s, whole seconds).
	DeviceInterval time.Duration
	// Users seeds the user store; nil seeds DefaultUsers(). Users without a Sub get a UUID.
	Users []User
	Now   func() time.Time // default time.Now
	// Seed, when set, makes keys, generated subs and access tokens deterministic (for golden tests).
	// RS256 tokens are then byte-for-byte reproducible; ES256 signatures are randomised by design.
	Seed string
	// TokenTTL is the life of ID and access tokens (default 1h).
	TokenTTL time.Duration
	// RotationGrace is how long a key replaced by Rotate stays published (default 24h).
	RotationGrace time.Duration
	// OmitAlg publishes JWKs without "alg", as some providers do, to exercise verifiers.
	OmitAlg bool
}

func (o *Options) defaults() {
	if o.ClientID == "" {
		o.ClientID = "ciamctl-demo"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.RotationGrace <= 0 {
		o.RotationGrace = 24 * time.Hour
	}
	if o.Users == nil {
		o.Users = DefaultUsers()
	}
	if o.TokenAuthMethods == nil {
		o.TokenAuthMethods = []string{AuthNone}
		if o.ClientSecret != "" {
			o.TokenAuthMethods = []string{AuthSecretBasic, AuthSecretPost}
		}
	}
	if o.Grants == nil {
		o.Grants = []string{GrantAuthorizationCode, GrantPassword, GrantDeviceCode, GrantRefreshToken}
		if o.ClientSecret != "" {
			o.Grants = append(o.Grants, GrantClientCredentials)
		}
	}
	if o.RedirectURIs == nil {
		o.RedirectURIs = []string{"http://127.0.0.1/callback"}
	}
	if o.DeviceInterval < time.Second {
		o.DeviceInterval = 5 * time.Second
	}
}

// DefaultUsers are the seeded test users (password "password" for all).
func DefaultUsers() []User {
	return []User{
		{Username: "alice", Password: "password", GivenName: "Alice", FamilyName: "Anders", Email: "alice@example.com", PhoneNumber: "+44 7700 900001"},
		{Username: "bob", Password: "password", GivenName: "Bob", FamilyName: "Brown", Email: "bob@example.com", PhoneNumber: "+1 (202) 555-0102"},
	}
}
