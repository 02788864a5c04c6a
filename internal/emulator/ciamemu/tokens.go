package ciamemu

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jws"
)

// Tokens is what the token endpoint returns (and IssueTokens, in process).
type Tokens struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	IDToken     string `json:"id_token,omitempty"`
	// RefreshToken is issued to a user's sign-in when the refresh_token grant is offered.
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// TokenOptions tune one issuance.
type TokenOptions struct {
	Alg    string // RS256 (default) or ES256
	Nonce  string // copied into the ID token when set
	Issuer string // overrides the server's issuer (needed in process when none is fixed)
	// Scope is the scope granted; empty means the default "openid profile email phone". Without
	// openid no ID token is issued, as a real CIAM does.
	Scope string
}

const defaultScope = "openid profile email phone"

// atHash is the at_hash of an access token for an ID token signed with RS256
// or ES256 (OIDC Core §3.1.3.6): the left half of its SHA-256, base64url.
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// IssueTokens logs a user in without HTTP (for `ciamctl demo` and tests): login is a sub, username or email.
func (s *Server) IssueTokens(login string, o TokenOptions) (Tokens, error) {
	iss := o.Issuer
	if iss == "" {
		iss = s.Issuer()
	}
	if iss == "" {
		return Tokens{}, fmt.Errorf("ciamemu: no issuer: set Options.Issuer, call Start or SetIssuer, or pass TokenOptions.Issuer")
	}
	u, ok := s.FindUser(login)
	if !ok {
		return Tokens{}, fmt.Errorf("ciamemu: no user %q", login)
	}
	return s.issue(u, iss, o)
}

// Claims are the user's profile claims as they appear in ID tokens and userinfo.
func Claims(u User, issuer string) map[string]any {
	c := map[string]any{"sub": u.Sub}
	set := func(k, v string) {
		if v != "" {
			c[k] = v
		}
	}
	set("given_name", u.GivenName)
	set("family_name", u.FamilyName)
	set("email", u.Email)
	set("phone_number", u.PhoneNumber)
	if u.Email != "" {
		c["email_verified"] = true
		c["contact"] = map[string]any{"email": u.Email}
	}
	if u.PhoneNumber != "" {
		c[MobileClaim(issuer)] = u.PhoneNumber
	}
	maps.Copy(c, u.Extra)
	return c
}

func (s *Server) issue(u User, iss string, o TokenOptions) (Tokens, error) {
	alg := strings.ToUpper(o.Alg)
	if alg == "" {
		alg = RS256
	}
	now := s.opts.Now()
	exp := now.Add(s.opts.TokenTTL)
	scope := o.Scope
	if scope == "" {
		scope = defaultScope
	}

	s.mu.Lock()
	key := s.activeLocked(alg)
	at := s.rnd.token("at-")
	var rt string
	if key != nil {
		s.access[at] = accessGrant{sub: u.Sub, exp: exp}
		rt = s.newRefreshLocked(u.Sub, scope)
	}
	s.mu.Unlock()
	if key == nil {
		return Tokens{}, fmt.Errorf("ciamemu: unsupported alg %q (use %s or %s)", o.Alg, RS256, ES256)
	}

	claims := Claims(u, iss)
	claims["iss"] = iss
	claims["aud"] = s.opts.ClientID // a plain string, as most providers send it
	claims["azp"] = s.opts.ClientID
	claims["iat"] = now.Unix()
	claims["exp"] = exp.Unix()
	if o.Nonce != "" {
		claims["nonce"] = o.Nonce
	}
	claims["at_hash"] = atHash(at)
	if !scopeHas(scope, "openid") {
		return Tokens{AccessToken: at, TokenType: "Bearer", ExpiresIn: int64(s.opts.TokenTTL.Seconds()), RefreshToken: rt, Scope: scope}, nil
	}
	// Signed with jws directly: jwx's jwt package would link its JWE support
	// (and four more package inits) into every start of ciamctl.
	payload, err := json.Marshal(claims)
	if err != nil {
		return Tokens{}, fmt.Errorf("ciamemu: claims: %w", err)
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.TypeKey, "JWT")
	signed, err := jws.Sign(payload, jws.WithKey(key.alg, key.priv, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return Tokens{}, fmt.Errorf("ciamemu: signing ID token: %w", err)
	}
	return Tokens{AccessToken: at, TokenType: "Bearer", ExpiresIn: int64(s.opts.TokenTTL.Seconds()), IDToken: string(signed), RefreshToken: rt, Scope: scope}, nil
}

func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if !s.authenticateClient(w, r) {
		return
	}
	gt := r.PostForm.Get("grant_type")
	if !s.offers(gt) {
		if gt == GrantClientCredentials && !s.confidential() {
			oauthError(w, http.StatusBadRequest, "unauthorized_client", "client credentials need a confidential client; this one is public")
			return
		}
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "this CIAM offers "+strings.Join(s.opts.Grants, ", "))
		return
	}
	// alg is an emulator extension: which of its keys signs the ID token.
	o := TokenOptions{Alg: r.PostForm.Get("alg"), Scope: r.PostForm.Get("scope")}
	var u User
	switch gt {
	case GrantPassword:
		var ok bool
		u, ok = s.FindUser(r.PostForm.Get("username"))
		if !ok || subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("password"))) != 1 {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "wrong username or password")
			return
		}
		o.Nonce = r.PostForm.Get("nonce") // an emulator extension, for tests
	case GrantAuthorizationCode:
		var c authCode
		var ok bool
		if u, c, ok = s.redeemCode(w, r); !ok {
			return
		}
		o.Nonce, o.Scope = c.nonce, c.scope
	case GrantDeviceCode:
		var ok bool
		if u, o.Scope, ok = s.redeemDevice(w, r); !ok {
			return
		}
	case GrantRefreshToken:
		var ok bool
		if u, o.Scope, ok = s.redeemRefresh(w, r); !ok {
			return
		}
	case GrantClientCredentials:
		s.clientToken(w, o.Scope)
		return
	}
	t, err := s.issue(u, s.issuerFor(r), o)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// clientToken answers the client credentials grant: an access token for the
// client itself, no ID token (no user signed in).
func (s *Server) clientToken(w http.ResponseWriter, scope string) {
	s.mu.Lock()
	at := s.rnd.token("at-")
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, Tokens{AccessToken: at, TokenType: "Bearer", ExpiresIn: int64(s.opts.TokenTTL.Seconds()), Scope: scope})
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET or POST")
		return
	}
	at, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || at == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ciamemu"`)
		oauthError(w, http.StatusUnauthorized, "invalid_request", "a Bearer access token is required")
		return
	}
	s.mu.Lock()
	g, found := s.access[strings.TrimSpace(at)]
	valid := found && s.opts.Now().Before(g.exp)
	var u *User
	if valid {
		u = s.findLocked(g.sub)
	}
	var cl map[string]any
	if u != nil {
		cl = Claims(u.clone(), s.issuerForLocked(r))
	}
	s.mu.Unlock()
	if u == nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="unknown or expired access token"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", "unknown or expired access token")
		return
	}
	writeJSON(w, http.StatusOK, cl)
}

// RevokeAccessTokens makes every issued access token invalid for userinfo.
func (s *Server) RevokeAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = map[string]accessGrant{}
}
