package ciamemu

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Paths of the session endpoints, relative to the issuer.
const (
	// PathEndSession is OpenID Connect RP-Initiated Logout 1.0's end_session_endpoint.
	PathEndSession = "/logout"
	// PathRevoke is RFC 7009's revocation_endpoint.
	PathRevoke = "/oauth/revoke"
	// PathAdminUsers is the admin API that changes a user between logins: PATCH PathAdminUsers/{login}.
	PathAdminUsers = "/admin/users"
)

// sessionState is what the session endpoints keep: ended sessions, the request log, the admin token.
// Its zero value is ready; it has its own lock so the token paths never wait on it.
type sessionState struct {
	mu         sync.Mutex
	noEndpoint bool // discovery names neither end_session_endpoint nor revocation_endpoint, and both answer 404
	logouts    []Logout
	requests   []Request

	adminOnce  sync.Once
	adminToken string
}

// Logout is one RP-initiated logout the emulator accepted.
type Logout struct {
	Sub string
	At  time.Time
}

// Request is one request the emulator received: method and path, no query, headers or body (they carry
// tokens).
type Request struct {
	Method string
	Path   string
}

// routeSession adds the session and admin endpoints to the mux.
func (s *Server) routeSession() {
	s.mux.HandleFunc(PathEndSession, s.endSession)
	s.mux.HandleFunc("POST "+PathRevoke, s.revoke)
	s.mux.HandleFunc("PATCH "+PathAdminUsers+"/{login}", s.adminPatchUser)
}

// handler logs each request, then serves it.
func (s *Server) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.session.mu.Lock()
		s.session.requests = append(s.session.requests, Request{Method: r.Method, Path: r.URL.Path})
		s.session.mu.Unlock()
		s.mux.ServeHTTP(w, r)
	})
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	return slices.Clone(s.session.requests)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	s.session.requests = nil
}

// SetSessionEndpoints turns the end-session and revocation endpoints on (the default) or off, to emulate
// a CIAM that supports neither: discovery then names neither, and both paths answer 404.
func (s *Server) SetSessionEndpoints(on bool) {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	s.session.noEndpoint = !on
}

func (s *Server) sessionEndpointsOff() bool {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	return s.session.noEndpoint
}

// sessionDiscovery adds the session endpoints to a discovery document.
func (s *Server) sessionDiscovery(doc map[string]any, iss string) {
	if s.sessionEndpointsOff() {
		return
	}
	doc["end_session_endpoint"] = endpointURL(iss, PathEndSession)
	doc["revocation_endpoint"] = endpointURL(iss, PathRevoke)
	doc["revocation_endpoint_auth_methods_supported"] = s.opts.TokenAuthMethods
}

// Logouts lists the RP-initiated logouts accepted so far.
func (s *Server) Logouts() []Logout {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	return slices.Clone(s.session.logouts)
}

// endSession is RP-Initiated Logout 1.0: GET or POST with id_token_hint, an ID token this emulator
// issued for its client (an expired one is accepted, as the specification asks). It ends the user's
// session at the CIAM; access tokens stay valid until they expire or are revoked, as with most providers
// whose access tokens are not tied to the session.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if s.sessionEndpointsOff() {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET or POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	hint := r.Form.Get("id_token_hint")
	if hint == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "id_token_hint is required: the emulator logs out only the user an ID token names")
		return
	}
	sub, err := s.checkIDTokenHint(hint, s.issuerFor(r))
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "id_token_hint: "+err.Error())
		return
	}
	if cid := r.Form.Get("client_id"); cid != "" && cid != s.opts.ClientID {
		oauthError(w, http.StatusBadRequest, "invalid_request", "client_id does not match the ID token's audience")
		return
	}
	s.session.mu.Lock()
	s.session.logouts = append(s.session.logouts, Logout{Sub: sub, At: s.opts.Now()})
	s.session.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(w, "<!doctype html><title>Signed out</title><p>You are signed out.</p>\n")
}

// checkIDTokenHint verifies an ID token against the emulator's published keys and returns its sub. The
// expiry is not checked: a logout often comes after the ID token expired.
func (s *Server) checkIDTokenHint(token, iss string) (string, error) {
	set := jwk.NewSet()
	s.mu.Lock()
	for _, k := range s.publishedLocked() {
		_ = set.AddKey(k.pub)
	}
	s.mu.Unlock()
	payload, err := jws.Verify([]byte(token), jws.WithKeySet(set, jws.WithRequireKid(false)))
	if err != nil {
		return "", fmt.Errorf("not an ID token signed by this CIAM")
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", fmt.Errorf("unreadable claims")
	}
	var auds []string
	if err := json.Unmarshal(claims.Aud, &auds); err != nil {
		var one string
		_ = json.Unmarshal(claims.Aud, &one)
		auds = []string{one}
	}
	switch {
	case claims.Iss != iss:
		return "", fmt.Errorf("issued by %q, not this CIAM", claims.Iss)
	case !slices.Contains(auds, s.opts.ClientID):
		return "", fmt.Errorf("not issued for client %q", s.opts.ClientID)
	case claims.Sub == "":
		return "", fmt.Errorf("no sub")
	}
	return claims.Sub, nil
}

// revoke is RFC 7009: the client (public, or with its secret when one is set, by the methods the token
// endpoint accepts) revokes an access or a refresh token. Unknown
// and already revoked tokens get 200 too (section 2.2); the access token then no longer opens userinfo.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if s.sessionEndpointsOff() {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	// The client authenticates as at the token endpoint (RFC 7009 §2.1).
	if !s.authenticateClient(w, r) {
		return
	}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if token == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	s.mu.Lock()
	delete(s.access, token)
	delete(s.refresh, token)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// AdminToken is the bearer token of the admin API (PATCH /admin/users/{login}): random per emulator,
// reproducible with Options.Seed.
func (s *Server) AdminToken() string {
	s.session.adminOnce.Do(func() {
		var b [18]byte
		_, _ = io.ReadFull(s.rnd.reader("admin"), b[:])
		s.session.adminToken = fmt.Sprintf("adm-%x", b)
	})
	return s.session.adminToken
}

// UserChange is the admin API's body: the claims to change (absent members stay as they are; an empty
// string clears the claim).
type UserChange struct {
	GivenName   *string `json:"given_name,omitempty"`
	FamilyName  *string `json:"family_name,omitempty"`
	Email       *string `json:"email,omitempty"`
	PhoneNumber *string `json:"phone_number,omitempty"`
}

// Apply changes u as the body says.
func (c UserChange) Apply(u *User) {
	for _, f := range []struct {
		v   *string
		dst *string
	}{{c.GivenName, &u.GivenName}, {c.FamilyName, &u.FamilyName}, {c.Email, &u.Email}, {c.PhoneNumber, &u.PhoneNumber}} {
		if f.v != nil {
			*f.dst = strings.TrimSpace(*f.v)
		}
	}
}

// adminPatchUser changes a user (by sub, username or email) so the next login carries the new claims:
// the sandbox's way to try the profile-update and identifier-change journeys. It answers the user's
// claims as userinfo would.
func (s *Server) adminPatchUser(w http.ResponseWriter, r *http.Request) {
	at, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(at)), []byte(s.AdminToken())) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ciamemu-admin"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", "the admin API needs the emulator's admin token as a Bearer token")
		return
	}
	var change UserChange
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&change); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "body: a JSON object with given_name, family_name, email, phone_number: "+err.Error())
		return
	}
	u, found := s.FindUser(r.PathValue("login"))
	if !found {
		oauthError(w, http.StatusNotFound, "not_found", "no user "+r.PathValue("login"))
		return
	}
	u, err := s.UpdateUser(u.Sub, change.Apply)
	if err != nil {
		oauthError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, Claims(u, s.issuerFor(r)))
}
