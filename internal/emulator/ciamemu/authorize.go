package ciamemu

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"text/template"
	"time"
)

// authRequest is an authorization request waiting for the user to sign in.
type authRequest struct {
	redirectURI, state, nonce, scope, challenge string
	exp                                         time.Time
}

// authCode is an issued authorization code: one use, bound to the client's
// redirect URI and PKCE challenge, and to the user and nonce of the sign-in.
type authCode struct {
	redirectURI, challenge, nonce, scope, sub string
	exp                                       time.Time
}

const (
	authRequestTTL = 10 * time.Minute
	authCodeTTL    = time.Minute
)

// authorize is the authorization endpoint (OIDC Core §3.1.2): GET shows the
// sign-in page for a valid request; POST is that page's form.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.authorizeStart(w, r)
	case http.MethodPost:
		s.authorizeLogin(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		page(w, http.StatusMethodNotAllowed, "Method not allowed", "")
	}
}

func (s *Server) authorizeStart(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// Errors about the client or its redirect URI are shown, never sent to
	// an unchecked redirect URI (RFC 6749 §4.1.2.1).
	switch {
	case !s.offers(GrantAuthorizationCode):
		page(w, http.StatusBadRequest, "Sign-in unavailable", "This CIAM does not offer the authorization code flow.")
		return
	case q.Get("client_id") != s.opts.ClientID:
		page(w, http.StatusBadRequest, "Unknown client", "The client_id is not registered here.")
		return
	case !s.redirectAllowed(q.Get("redirect_uri")):
		page(w, http.StatusBadRequest, "Redirect URI not registered", "The redirect_uri is not one of the client's registered redirect URIs.")
		return
	}
	req := authRequest{redirectURI: q.Get("redirect_uri"), state: q.Get("state"), nonce: q.Get("nonce"), scope: q.Get("scope"),
		challenge: q.Get("code_challenge"), exp: s.opts.Now().Add(authRequestTTL)}
	fail := func(code, desc string) { redirectError(w, r, req.redirectURI, req.state, code, desc) }
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	case req.challenge == "":
		fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256")
		return
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "code_challenge_method must be S256 (plain is not accepted)")
		return
	}
	s.mu.Lock()
	id := s.rnd.token("req-")
	if s.authRequests == nil {
		s.authRequests = map[string]authRequest{}
	}
	s.authRequests[id] = req
	s.mu.Unlock()
	loginPage(w, http.StatusOK, id, "")
}

func (s *Server) authorizeLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		page(w, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return
	}
	id := r.PostForm.Get("request")
	s.mu.Lock()
	req, ok := s.authRequests[id]
	if ok && !s.opts.Now().Before(req.exp) {
		delete(s.authRequests, id)
		ok = false
	}
	s.mu.Unlock()
	if !ok {
		page(w, http.StatusBadRequest, "Sign-in expired", "This sign-in request is unknown or expired; start again from the application.")
		return
	}
	if r.PostForm.Get("action") == "deny" {
		s.forget(id)
		redirectError(w, r, req.redirectURI, req.state, "access_denied", "the user cancelled the sign-in")
		return
	}
	u, ok := s.FindUser(r.PostForm.Get("username"))
	if !ok || subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("password"))) != 1 {
		loginPage(w, http.StatusOK, id, "Wrong username or password.")
		return
	}
	s.forget(id)
	s.mu.Lock()
	code := s.rnd.token("code-")
	if s.codes == nil {
		s.codes = map[string]authCode{}
	}
	s.codes[code] = authCode{redirectURI: req.redirectURI, challenge: req.challenge, nonce: req.nonce, scope: req.scope,
		sub: u.Sub, exp: s.opts.Now().Add(authCodeTTL)}
	s.mu.Unlock()
	v := url.Values{"code": {code}}
	if req.state != "" {
		v.Set("state", req.state)
	}
	http.Redirect(w, r, withQuery(req.redirectURI, v), http.StatusFound)
}

func (s *Server) forget(id string) {
	s.mu.Lock()
	delete(s.authRequests, id)
	s.mu.Unlock()
}

// redeemCode is the authorization_code grant: the code once, for the
// redirect URI it was issued to, with the PKCE verifier of its challenge.
func (s *Server) redeemCode(w http.ResponseWriter, r *http.Request) (User, authCode, bool) {
	code := r.PostForm.Get("code")
	s.mu.Lock()
	c, ok := s.codes[code]
	delete(s.codes, code) // one use, whatever follows (RFC 6749 §4.1.2)
	s.mu.Unlock()
	verifier := r.PostForm.Get("code_verifier")
	sum := sha256.Sum256([]byte(verifier))
	switch {
	case !ok || !s.opts.Now().Before(c.exp):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code is unknown, used or expired")
	case r.PostForm.Get("redirect_uri") != c.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
	case verifier == "":
		oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE: code_verifier is required")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed: code_verifier does not match the code_challenge")
	default:
		u, found := s.FindUser(c.sub)
		if !found {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "the user no longer exists")
			return User{}, c, false
		}
		return u, c, true
	}
	return User{}, c, false
}

func withQuery(base string, v url.Values) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + v.Encode()
}

// redirectError sends an authorization error back to the client (RFC 6749 §4.1.2.1).
func redirectError(w http.ResponseWriter, r *http.Request, redirectURI, state, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {desc}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(redirectURI, v), http.StatusFound)
}

// loginPage is the minimal sign-in form: username, password, sign in or cancel.
func loginPage(w http.ResponseWriter, status int, requestID, problem string) {
	body := ""
	if problem != "" {
		body += `<p class="error" role="alert">` + template.HTMLEscapeString(problem) + "</p>\n"
	}
	body += `<form method="post" action="` + PathAuthorize + `">
<input type="hidden" name="request" value="` + template.HTMLEscapeString(requestID) + `">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button name="action" value="login">Sign in</button>
<button name="action" value="deny">Cancel</button>
</form>`
	page(w, status, "Sign in to the CIAM emulator", body)
}

// page writes a small HTML page; body is HTML the caller has escaped.
// Escaping is text/template's, not package html's: the binary links text/template
// anyway, and html would add an init to every start of ciamctl.
func page(w http.ResponseWriter, status int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// No form-action: browsers apply it to the redirect after the form too,
	// which goes to the client's loopback redirect URI.
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(status)
	if body != "" && !strings.HasPrefix(body, "<") {
		body = "<p>" + template.HTMLEscapeString(body) + "</p>"
	}
	fmt.Fprintf(w, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body>\n<h1>%s</h1>\n%s\n</body></html>\n",
		template.HTMLEscapeString(title), template.HTMLEscapeString(title), body)
}

// scopeHas reports whether a space-separated scope names want.
func scopeHas(scope, want string) bool { return slices.Contains(strings.Fields(scope), want) }
