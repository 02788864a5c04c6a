package ciamemu

import "time"

// Options configure the emulator; zero values get the defaults noted.
type Options struct {
	// Issuer fixes the issuer URL. Empty: Start sets it to the listener's URL, and otherwise it is derived
	// from each request's Host (call SetIssuer after httptest.NewServer for stable values).
	Issuer string
	// ClientID is the audience of ID tokens (default "ciamctl-demo"). ClientSecret, when set, must be
	// presented by token requests (client_secret_post or client_secret_basic).
	ClientID, ClientSecret string
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
}

// DefaultUsers are the seeded test users (password "password" for all).
func DefaultUsers() []User {
	return []User{
		{Username: "alice", Password: "password", GivenName: "Alice", FamilyName: "Anders", Email: "alice@example.com", PhoneNumber: "+44 7700 900001"},
		{Username: "bob", Password: "password", GivenName: "Bob", FamilyName: "Brown", Email: "bob@example.com", PhoneNumber: "+1 (202) 555-0102"},
	}
}
