package ciamemu

import (
	"encoding/json"
	"net/http"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Rotate adds a new RS256 and ES256 key, which sign from now on; the previous ones stay in the JWKS for
// Options.RotationGrace (tokens they signed remain verifiable) and then disappear.
func (s *Server) Rotate() error {
	fresh := make([]*signingKey, 0, 2)
	for _, alg := range []string{RS256, ES256} {
		k, err := newSigningKey(alg, s.rnd.reader("key-"+alg), s.opts.Seed != "")
		if err != nil {
			return err
		}
		fresh = append(fresh, k)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	for _, k := range s.keys {
		if k.retiredAt.IsZero() {
			k.retiredAt = now
		}
	}
	s.keys = append(s.keys, fresh...)
	return nil
}

// EndGrace removes retired keys from the JWKS at once, as if the grace period had passed.
func (s *Server) EndGrace() {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.keys[:0]
	for _, k := range s.keys {
		if k.retiredAt.IsZero() {
			kept = append(kept, k)
		}
	}
	s.keys = kept
}

// publishedLocked lists the keys still in the JWKS.
func (s *Server) publishedLocked() []*signingKey {
	now := s.opts.Now()
	var out []*signingKey
	for _, k := range s.keys {
		if k.retiredAt.IsZero() || now.Before(k.retiredAt.Add(s.opts.RotationGrace)) {
			out = append(out, k)
		}
	}
	return out
}

// activeLocked is the signing key for alg.
func (s *Server) activeLocked(alg string) *signingKey {
	for i := len(s.keys) - 1; i >= 0; i-- {
		if k := s.keys[i]; string(k.alg) == alg && k.retiredAt.IsZero() {
			return k
		}
	}
	return nil
}

// KeyIDs lists the kids of the published keys, oldest first.
func (s *Server) KeyIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range s.publishedLocked() {
		out = append(out, k.kid())
	}
	return out
}

// SigningKeyID is the kid currently signing with alg (RS256 or ES256).
func (s *Server) SigningKeyID(alg string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := s.activeLocked(alg); k != nil {
		return k.kid()
	}
	return ""
}

// JWKS returns the public key set as served.
func (s *Server) JWKS() (jwk.Set, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := jwk.NewSet()
	for _, k := range s.publishedLocked() {
		pub, err := k.pub.Clone()
		if err != nil {
			return nil, err
		}
		if s.opts.OmitAlg {
			_ = pub.Remove(jwk.AlgorithmKey)
		}
		if err := set.AddKey(pub); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	set, err := s.JWKS()
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	b, err := json.Marshal(set)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}
