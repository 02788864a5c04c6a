package ciamemu

import (
	"encoding/json"
	"fmt"
	"io"
)

// ExportUsers writes every user's profile claims as JSON Lines, one user
// a line in seeding order: the shape the ID token carries (for issuer's
// namespaced mobile claim), as a CIAM's user export would give them to
// `ciamctl mapping dry-run --batch`. Members are in name order.
func (s *Server) ExportUsers(w io.Writer, issuer string) error {
	for _, u := range s.Users() {
		b, err := json.Marshal(Claims(u, issuer))
		if err != nil {
			return fmt.Errorf("ciamemu: user %q: %w", u.Username, err)
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// ExportTokens writes a fresh ID token for every user, one a line, for
// `ciamctl mapping dry-run --batch --tokens`.
func (s *Server) ExportTokens(w io.Writer, o TokenOptions) error {
	for _, u := range s.Users() {
		t, err := s.IssueTokens(u.Sub, o)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, t.IDToken+"\n"); err != nil {
			return err
		}
	}
	return nil
}
