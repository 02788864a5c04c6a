// Package sandbox runs the CIAM and Intouch emulators side by side on
// loopback, the way `ciamctl sandbox` serves them and `ciamctl demo` uses them.
package sandbox

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// Options shape a sandbox. Zero values are fine.
type Options struct {
	// Addr is where the CIAM listens (default 127.0.0.1:0). With a fixed
	// port the Intouch emulator takes the next one; with port 0 both are
	// picked by the system.
	Addr string
	// ClientID is the CIAM application's OAuth client, the ID token audience.
	ClientID string
	Now      func() time.Time
	// Seed makes keys and user IDs reproducible.
	Seed string
	// Platform holds the Intouch emulator's org rules (registration rules,
	// rate limit, source types the API may not create, parent org); its
	// clock is Now.
	Platform intouchemu.Options
}

// DefaultClientID is the sandbox CIAM's OAuth client.
const DefaultClientID = "ciamctl-sandbox"

// Sandbox is a running pair of emulators.
type Sandbox struct {
	CIAM       *ciamemu.Server
	Intouch    *intouchemu.Server
	Issuer     string
	IntouchURL string
}

// Start listens on loopback and serves both emulators until Close.
func Start(o Options) (*Sandbox, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.ClientID == "" {
		o.ClientID = DefaultClientID
	}
	ciamAddr, intouchAddr, err := addrs(o.Addr)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{
		CIAM:    ciamemu.New(ciamemu.Options{ClientID: o.ClientID, Now: o.Now, Seed: o.Seed}),
		Intouch: intouchemu.New(withNow(o.Platform, o.Now)),
	}
	if s.Issuer, err = s.CIAM.Start(ciamAddr); err != nil {
		return nil, err
	}
	if s.IntouchURL, err = s.Intouch.Start(intouchAddr); err != nil {
		_ = s.CIAM.Close()
		return nil, err
	}
	return s, nil
}

// addrs derives the two listen addresses from one, so a single --addr flag
// pins both emulators.
func addrs(addr string) (ciam, intouch string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("address %q: want HOST:PORT, e.g. 127.0.0.1:0", addr)
	}
	if !urlpolicy.IsLoopback(host) {
		return "", "", fmt.Errorf("address %q: the sandbox serves test credentials, so it listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65534 {
		return "", "", fmt.Errorf("address %q: port must be 0..65534", addr)
	}
	if p == 0 {
		return addr, addr, nil
	}
	return addr, net.JoinHostPort(host, strconv.Itoa(p+1)), nil
}

// Close stops both emulators.
func (s *Sandbox) Close() error {
	return errors.Join(s.CIAM.Close(), s.Intouch.Close())
}

// Env is the environment that points ciamctl at the Intouch emulator, as
// KEY=VALUE assignments in a fixed order: OAuth key and secret, or with
// basic the username and password.
func (s *Sandbox) Env(basic bool) []string {
	return s.Intouch.Env(s.IntouchURL, basic)
}

// SetEnv adds Env's assignments to dst, an environment as a map.
func (s *Sandbox) SetEnv(dst map[string]string, basic bool) {
	s.Intouch.SetEnv(dst, s.IntouchURL, basic)
}

// Endpoints of the CIAM emulator.
func (s *Sandbox) DiscoveryURL() string { return s.Issuer + ciamemu.PathDiscovery }
func (s *Sandbox) JWKSURL() string      { return s.Issuer + ciamemu.PathJWKS }
func (s *Sandbox) TokenURL() string     { return s.Issuer + ciamemu.PathToken }
func (s *Sandbox) UserinfoURL() string  { return s.Issuer + ciamemu.PathUserinfo }

func withNow(o intouchemu.Options, now func() time.Time) intouchemu.Options {
	o.Now = now
	return o
}
