package ciamemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Paths served, relative to the issuer.
const (
	PathDiscovery = "/.well-known/openid-configuration"
	PathJWKS      = "/.well-known/jwks.json"
	PathToken     = "/oauth/token"
	PathUserinfo  = "/userinfo"
	PathAuthorize = "/authorize"
	// PathDeviceAuthorization is the device authorization endpoint (RFC 8628 §3.1);
	// PathDevice the page where the user enters the code (verification_uri).
	PathDeviceAuthorization = "/oauth/device/code"
	PathDevice              = "/device"
)

// Server is the CIAM emulator.
type Server struct {
	opts Options
	rnd  *randomness
	mux  *http.ServeMux

	mu      sync.Mutex
	issuer  string
	users   []*User
	keys    []*signingKey // newest last per algorithm
	access  map[string]accessGrant
	refresh map[string]refreshGrant // refresh tokens, by token: refresh.go
	httpSrv *http.Server

	authRequests map[string]authRequest // sign-ins waiting for the login form
	codes        map[string]authCode
	devices      map[string]*deviceGrant // by device code

	session sessionState // end session, revocation, admin API, request log: session.go
}

type accessGrant struct {
	sub string
	exp time.Time
}

// New builds the emulator, generating (or deriving from Seed) one RS256 and one ES256 key.
// It panics only if key generation fails, which Go's crypto does not do for these parameters.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{opts: opts, rnd: &randomness{seed: opts.Seed}, mux: http.NewServeMux(), issuer: strings.TrimSpace(opts.Issuer),
		access: map[string]accessGrant{}, refresh: map[string]refreshGrant{}}
	for _, u := range opts.Users {
		s.addUserLocked(u)
	}
	for _, alg := range []string{RS256, ES256} {
		k, err := newSigningKey(alg, s.rnd.reader("key-"+alg), opts.Seed != "")
		if err != nil {
			panic(err)
		}
		s.keys = append(s.keys, k)
	}
	s.mux.HandleFunc("GET "+PathDiscovery, s.discovery)
	s.mux.HandleFunc("GET "+PathJWKS, s.jwks)
	s.mux.HandleFunc("POST "+PathToken, s.tokenEndpoint)
	s.mux.HandleFunc(PathUserinfo, s.userinfo)
	s.mux.HandleFunc(PathAuthorize, s.authorize)
	s.mux.HandleFunc("POST "+PathDeviceAuthorization, s.deviceAuthorization)
	s.mux.HandleFunc(PathDevice, s.deviceVerification)
	s.routeSession()
	return s
}

// Handler serves all endpoints.
func (s *Server) Handler() http.Handler { return s.handler() }

// Start listens on addr (e.g. "127.0.0.1:0"), sets the issuer to the listener's URL unless one was
// fixed, and returns the issuer.
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("ciamemu: listening on %s: %w", addr, err)
	}
	s.mu.Lock()
	if s.issuer == "" {
		s.issuer = "http://" + ln.Addr().String()
	}
	s.httpSrv = &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	iss := s.issuer
	s.mu.Unlock()
	go func() { _ = s.httpSrv.Serve(ln) }()
	return iss, nil
}

// Close stops the listener started by Start.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return srv.Close()
	}
	return nil
}

// SetIssuer fixes the issuer, typically to an httptest server's URL.
func (s *Server) SetIssuer(iss string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issuer = strings.TrimSpace(iss)
}

// Issuer is the fixed issuer ("" when derived per request).
func (s *Server) Issuer() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issuer
}

// ClientID is the audience of the ID tokens.
func (s *Server) ClientID() string { return s.opts.ClientID }

// issuerFor returns the fixed issuer or one derived from the request.
func (s *Server) issuerFor(r *http.Request) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issuerForLocked(r)
}

func (s *Server) issuerForLocked(r *http.Request) string {
	if s.issuer != "" {
		return s.issuer
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func endpointURL(iss, path string) string { return strings.TrimRight(iss, "/") + path }

// MobileClaim is the namespaced URL claim carrying the phone number for an issuer:
// "https://<issuer host>/claims/mobile".
func MobileClaim(issuer string) string {
	host := issuer
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		host = u.Host
	}
	return "https://" + host + "/claims/mobile"
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	iss := s.issuerFor(r)
	// Exactly what this emulator does: the grants its client can use, the
	// client authentication it accepts, PKCE with S256 only.
	doc := map[string]any{
		"issuer":                                iss,
		"token_endpoint":                        endpointURL(iss, PathToken),
		"userinfo_endpoint":                     endpointURL(iss, PathUserinfo),
		"jwks_uri":                              endpointURL(iss, PathJWKS),
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{RS256, ES256},
		"grant_types_supported":                 s.opts.Grants,
		"token_endpoint_auth_methods_supported": s.opts.TokenAuthMethods,
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "phone"},
		"claims_supported": []string{"iss", "sub", "aud", "azp", "iat", "exp", "nonce", "at_hash", "given_name", "family_name",
			"email", "email_verified", "phone_number", "contact", MobileClaim(iss)},
	}
	if s.offers(GrantAuthorizationCode) {
		doc["authorization_endpoint"] = endpointURL(iss, PathAuthorize)
	}
	if s.offers(GrantDeviceCode) {
		doc["device_authorization_endpoint"] = endpointURL(iss, PathDeviceAuthorization)
	}
	s.sessionDiscovery(doc, iss)
	writeJSON(w, http.StatusOK, doc)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError answers in RFC 6749 section 5.2 form.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}
