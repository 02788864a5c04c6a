package intouchemu

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// rateWindow counts one API key's calls in one clock minute.
type rateWindow struct {
	start time.Time
	n     int
}

// apiKey is who a call is counted against: the reference limits calls per API key per minute. OAuth tokens
// are all minted for the one client key; Basic calls count against the username.
func (s *Server) apiKey(r *http.Request) string {
	if r.Header.Get("X-CAP-API-OAUTH-TOKEN") != "" {
		return "key:" + s.opts.ClientKey
	}
	return "basic:" + s.opts.Username
}

// rateLimited answers HTTP 429 itself when the key used up this minute's calls. The reference documents
// neither a Retry-After header nor the body, so none of the first is sent and the second is the emulator's.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request) bool {
	limit := s.opts.RateLimitPerMinute
	if limit <= 0 {
		return false
	}
	key, minute := s.apiKey(r), s.opts.Now().Truncate(time.Minute)
	s.mu.Lock()
	win := s.rate[key]
	if !win.start.Equal(minute) {
		win = rateWindow{start: minute}
	}
	win.n++
	s.rate[key] = win
	s.mu.Unlock()
	if win.n <= limit {
		return false
	}
	name := strings.TrimPrefix(strings.TrimPrefix(key, "key:"), "basic:")
	writeErr(w, http.StatusTooManyRequests, CodeTooMany, fmt.Sprintf("Rate limit exceeded: %d calls per minute for API key %s", limit, name))
	return true
}
