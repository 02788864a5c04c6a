package ciamemu

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"time"
)

// deviceGrant is one device authorization (RFC 8628) waiting for, or
// given, the user's approval.
type deviceGrant struct {
	userCode, scope string
	exp             time.Time
	status          deviceStatus
	sub             string // the approving user
}

type deviceStatus int

const (
	devicePending deviceStatus = iota
	deviceApproved
	deviceDenied
)

const deviceCodeTTL = 10 * time.Minute

// deviceAuthorization is the device authorization endpoint (RFC 8628 §3.1-3.2).
func (s *Server) deviceAuthorization(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if !s.authenticateClient(w, r) {
		return
	}
	if !s.offers(GrantDeviceCode) {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", "the device flow is not offered")
		return
	}
	iss := s.issuerFor(r)
	s.mu.Lock()
	deviceCode := s.rnd.token("dc-")
	userCode := s.userCodeLocked()
	if s.devices == nil {
		s.devices = map[string]*deviceGrant{}
	}
	s.devices[deviceCode] = &deviceGrant{userCode: userCode, scope: r.PostForm.Get("scope"), exp: s.opts.Now().Add(deviceCodeTTL)}
	s.mu.Unlock()
	verify := endpointURL(iss, PathDevice)
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":               deviceCode,
		"user_code":                 userCode,
		"verification_uri":          verify,
		"verification_uri_complete": withQuery(verify, url.Values{"user_code": {userCode}}),
		"expires_in":                int64(deviceCodeTTL / time.Second),
		"interval":                  int64(s.opts.DeviceInterval / time.Second),
	})
}

// userCodeLocked makes a user code as RFC 8628 §6.1 suggests: 8 letters
// without vowels (no words, fewer typos), shown as XXXX-XXXX.
func (s *Server) userCodeLocked() string {
	const alphabet = "BCDFGHJKLMNPQRSTVWXZ"
	var b [8]byte
	_, _ = io.ReadFull(s.rnd.reader("user-code"), b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// redeemDevice is the device_code grant (RFC 8628 §3.4-3.5).
func (s *Server) redeemDevice(w http.ResponseWriter, r *http.Request) (User, string, bool) {
	code := r.PostForm.Get("device_code")
	s.mu.Lock()
	g, ok := s.devices[code]
	var status deviceStatus
	var sub, scope string
	expired := ok && !s.opts.Now().Before(g.exp)
	if ok {
		status, sub, scope = g.status, g.sub, g.scope
		if status != devicePending || expired {
			delete(s.devices, code)
		}
	}
	s.mu.Unlock()
	switch {
	case !ok:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown device code")
	case expired:
		oauthError(w, http.StatusBadRequest, "expired_token", "the device code expired before it was approved")
	case status == deviceDenied:
		oauthError(w, http.StatusBadRequest, "access_denied", "the user denied the device")
	case status == devicePending:
		oauthError(w, http.StatusBadRequest, "authorization_pending", "the user has not approved the device yet")
	default:
		u, found := s.FindUser(sub)
		if !found {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "the user no longer exists")
			return User{}, "", false
		}
		return u, scope, true
	}
	return User{}, "", false
}

// ErrNoDeviceCode is returned by ApproveDevice and DenyDevice for a user code
// that is not waiting for approval.
var ErrNoDeviceCode = errors.New("ciamemu: no pending device authorization with that user code")

// PendingUserCodes lists the user codes waiting for approval, oldest first
// is not guaranteed; tests use it to find the code a client was shown.
func (s *Server) PendingUserCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, g := range s.devices {
		if g.status == devicePending {
			out = append(out, g.userCode)
		}
	}
	return out
}

// ApproveDevice approves a pending device authorization as the user named
// by login (sub, username or email), as the verification page does after
// the user signs in there.
func (s *Server) ApproveDevice(userCode, login string) error {
	u, ok := s.FindUser(login)
	if !ok {
		return fmt.Errorf("ciamemu: no user %q", login)
	}
	return s.decideDevice(userCode, deviceApproved, u.Sub)
}

// DenyDevice denies a pending device authorization.
func (s *Server) DenyDevice(userCode string) error { return s.decideDevice(userCode, deviceDenied, "") }

func (s *Server) decideDevice(userCode string, st deviceStatus, sub string) error {
	userCode = strings.ToUpper(strings.TrimSpace(userCode))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.devices {
		if g.userCode == userCode && g.status == devicePending && s.opts.Now().Before(g.exp) {
			g.status, g.sub = st, sub
			return nil
		}
	}
	return ErrNoDeviceCode
}

// deviceVerification is the verification page (RFC 8628 §3.3): the user
// enters the code, signs in, and approves or denies.
func (s *Server) deviceVerification(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		devicePage(w, http.StatusOK, r.URL.Query().Get("user_code"), "")
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			page(w, http.StatusBadRequest, "Bad request", "The form could not be read.")
			return
		}
		code := r.PostForm.Get("user_code")
		if r.PostForm.Get("action") == "deny" {
			if err := s.DenyDevice(code); err != nil {
				devicePage(w, http.StatusOK, code, "That code is unknown or expired.")
				return
			}
			page(w, http.StatusOK, "Device denied", "The device will not be signed in. You may close this window.")
			return
		}
		u, ok := s.FindUser(r.PostForm.Get("username"))
		if !ok || subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("password"))) != 1 {
			devicePage(w, http.StatusOK, code, "Wrong username or password.")
			return
		}
		if err := s.ApproveDevice(code, u.Sub); err != nil {
			devicePage(w, http.StatusOK, code, "That code is unknown or expired.")
			return
		}
		page(w, http.StatusOK, "Device approved", "You are signed in on your device. You may close this window.")
	default:
		w.Header().Set("Allow", "GET, POST")
		page(w, http.StatusMethodNotAllowed, "Method not allowed", "")
	}
}

func devicePage(w http.ResponseWriter, status int, userCode, problem string) {
	body := ""
	if problem != "" {
		body += `<p class="error" role="alert">` + template.HTMLEscapeString(problem) + "</p>\n"
	}
	body += `<form method="post" action="` + PathDevice + `">
<label>Code <input name="user_code" value="` + template.HTMLEscapeString(userCode) + `" autocomplete="off"></label>
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button name="action" value="approve">Approve</button>
<button name="action" value="deny">Deny</button>
</form>`
	page(w, status, "Connect a device", body)
}
