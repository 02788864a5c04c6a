package ciamemu

import (
	"fmt"
	"maps"
	"strings"
)

// User is a seeded CIAM account. Its fields become standard OIDC claims; Extra adds any other claims.
type User struct {
	Sub         string // a UUID; generated when empty
	Username    string
	Password    string
	GivenName   string
	FamilyName  string
	Email       string
	PhoneNumber string
	Extra       map[string]any
}

func (u User) clone() User {
	u.Extra = maps.Clone(u.Extra)
	return u
}

// AddUser stores a user (generating its sub) and returns it.
func (s *Server) AddUser(u User) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUserLocked(u)
}

func (s *Server) addUserLocked(u User) User {
	u = u.clone()
	if u.Sub == "" {
		u.Sub = s.rnd.uuid()
	}
	s.users = append(s.users, &u)
	return u.clone()
}

// Users returns copies of all users in seeding order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u.clone())
	}
	return out
}

// FindUser looks a user up by sub, username or email (case-insensitive for the latter two).
func (s *Server) FindUser(login string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.findLocked(login); u != nil {
		return u.clone(), true
	}
	return User{}, false
}

func (s *Server) findLocked(login string) *User {
	for _, u := range s.users {
		if u.Sub == login || (login != "" && (strings.EqualFold(u.Username, login) || strings.EqualFold(u.Email, login))) {
			return u
		}
	}
	return nil
}

// UpdateUser changes a user in place (e.g. a new family name), so the next login carries the new claims.
// The sub cannot change.
func (s *Server) UpdateUser(sub string, fn func(*User)) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Sub == sub {
			c := u.clone()
			fn(&c)
			c.Sub = sub
			*u = c
			return c.clone(), nil
		}
	}
	return User{}, fmt.Errorf("ciamemu: no user with sub %q", sub)
}
