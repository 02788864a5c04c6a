package intouchemu

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (s *Server) tokenGenerate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Key    string `json:"key"`
		Secret string `json:"secret"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	if !equal(body.Key, s.opts.ClientKey) || !equal(body.Secret, s.opts.ClientSecret) {
		writeErr(w, http.StatusUnauthorized, CodeAuth, "invalid key or secret")
		return
	}
	tok := s.accessToken()
	s.mu.Lock()
	s.tokens[tok] = s.opts.Now().Add(s.opts.TokenTTL)
	s.issued = append(s.issued, tok)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"data":   map[string]any{"accessToken": tok, "ttlSeconds": int64(s.opts.TokenTTL.Seconds())},
		"errors": nil,
	})
}

// accessToken is shaped as the platform's: a JWT whose payload names the org (org_id) the credentials act
// for. It is not signed (the signature part is random): clients read the org, they do not verify it.
func (s *Server) accessToken() string {
	now := s.opts.Now()
	org, err := strconv.ParseInt(s.opts.CredentialsOrgID, 10, 64)
	var orgID any = s.opts.CredentialsOrgID
	if err == nil {
		orgID = org
	}
	header, _ := json.Marshal(map[string]string{"kid": "emu", "alg": "RS256"})
	payload, _ := json.Marshal(map[string]any{
		"iss": "intouchemu", "sub": s.opts.ClientKey, "org_id": orgID, "token_use": "token_access",
		"iat": now.Unix(), "exp": now.Add(s.opts.TokenTTL).Unix(), "jti": rand.Text(),
	})
	enc := base64.RawURLEncoding.EncodeToString
	return enc(header) + "." + enc(payload) + "." + enc([]byte(rand.Text()))
}

// authorized checks the OAuth token or Basic credentials and answers 401 itself when they fail.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if tok := r.Header.Get("X-CAP-API-OAUTH-TOKEN"); tok != "" {
		s.mu.Lock()
		exp, ok := s.tokens[tok]
		s.mu.Unlock()
		if ok && s.opts.Now().Before(exp) {
			return true
		}
		writeErr(w, http.StatusUnauthorized, CodeAuth, "invalid or expired OAuth token")
		return false
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Basic ") {
		if equal(h, basicValue(s.opts.Username, s.opts.Password)) {
			return true
		}
		writeErr(w, http.StatusUnauthorized, CodeAuth, "invalid username or password (the password must be sent as its md5 hex)")
		return false
	}
	writeErr(w, http.StatusUnauthorized, CodeAuth, "no credentials: send X-CAP-API-OAUTH-TOKEN or Basic authorization")
	return false
}

func basicValue(user, password string) string {
	sum := md5.Sum([]byte(password))
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+hex.EncodeToString(sum[:])))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// RevokeTokens invalidates every issued OAuth token, so the next call gets a 401 (tests the client's re-mint).
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// IssuedTokens lists every access token handed out, oldest first.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}
