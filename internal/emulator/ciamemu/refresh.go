package ciamemu

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// refreshGrant is what a refresh token stands for: a user's sign-in and the scope it was granted.
type refreshGrant struct {
	sub   string
	scope string
}

// newRefreshLocked issues a refresh token for a user's sign-in when the refresh_token grant is
// offered ("" otherwise). It draws on its own random stream, so seeded access tokens stay as they
// were. The caller holds s.mu.
func (s *Server) newRefreshLocked(sub, scope string) string {
	if !s.offers(GrantRefreshToken) {
		return ""
	}
	var b [24]byte
	_, _ = io.ReadFull(s.rnd.reader("refresh"), b[:])
	rt := fmt.Sprintf("rt-%x", b)
	s.refresh[rt] = refreshGrant{sub: sub, scope: scope}
	return rt
}

// redeemRefresh is the refresh_token grant (RFC 6749 §6): the token is spent (rotated: the answer
// carries a new one) and the sign-in's user signs in again with its claims as they are now. A scope
// asked for must be within the one granted. It answers the error itself and returns false.
func (s *Server) redeemRefresh(w http.ResponseWriter, r *http.Request) (User, string, bool) {
	rt := r.PostForm.Get("refresh_token")
	s.mu.Lock()
	g, ok := s.refresh[rt]
	s.mu.Unlock()
	if rt == "" || !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or revoked refresh token")
		return User{}, "", false
	}
	scope := g.scope
	if asked := r.PostForm.Get("scope"); asked != "" {
		for _, sc := range strings.Fields(asked) {
			if !scopeHas(g.scope, sc) {
				oauthError(w, http.StatusBadRequest, "invalid_scope", "scope "+sc+" was not granted to this sign-in")
				return User{}, "", false
			}
		}
		scope = asked
	}
	s.mu.Lock()
	_, ok = s.refresh[rt]
	delete(s.refresh, rt) // spent once, even by two requests at the same time
	s.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or revoked refresh token")
		return User{}, "", false
	}
	u, found := s.FindUser(g.sub)
	if !found {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the user no longer exists")
		return User{}, "", false
	}
	return u, scope, true
}
