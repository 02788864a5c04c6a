package mapping

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// NormalizeEmail trims and lower-cases an address and checks it is a single bare address.
func NormalizeEmail(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "" {
		return "", fmt.Errorf("is empty")
	}
	if len(s) > 254 {
		return "", fmt.Errorf("is longer than 254 characters")
	}
	if plainEmail(s) {
		return s, nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an email address", v)
	}
	if a.Name != "" || a.Address != s {
		return "", fmt.Errorf("%q must be a bare address like name@example.com, without a display name or angle brackets", v)
	}
	at := strings.LastIndexByte(s, '@')
	if domain := s[at+1:]; !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", fmt.Errorf("%q has no valid domain (like example.com)", v)
	}
	return s, nil
}

// NormalizeMobile reduces a phone number to digits with its country code ("+44 7700-900.123" → "447700900123").
func NormalizeMobile(v string) (string, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return "", fmt.Errorf("is empty")
	}
	if strings.HasPrefix(s, "+") {
		// "+44 (0)20 …": the bracketed trunk 0 is dropped when dialling internationally.
		s = strings.Replace(s, "(0)", "", 1)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
			// formatting only
		default:
			return "", fmt.Errorf("%q contains %q: only digits, '+', spaces, dashes, dots and parentheses are allowed", v, r)
		}
	}
	d := b.String()
	switch {
	case d == "":
		return "", fmt.Errorf("%q has no digits", v)
	case d[0] == '0':
		return "", fmt.Errorf("%q needs a country code: it starts with a 0 trunk prefix; send it in international form, e.g. +44 7700 900123", v)
	case len(d) < 8 || len(d) > 15:
		return "", fmt.Errorf("%q has %d digits: with its country code a mobile number has 8 to 15 (E.164)", v, len(d))
	}
	return d, nil
}

// plainEmail accepts the common address shape that the checks below would
// return unchanged, without parsing it: a dot-atom of [a-z0-9._%+-] before
// the one '@', and dot-separated labels of [a-z0-9-] with at least one dot
// after it. Anything else (quoted parts, other characters, Unicode) goes
// through mail.ParseAddress. FuzzNormalizeEmail holds the two to the same
// answers.
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if !dotAtom(local, true) || !dotAtom(domain, false) {
		return false
	}
	return strings.IndexByte(domain, '.') > 0
}

func dotAtom(s string, local bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case local && (c == '_' || c == '%' || c == '+'):
		default:
			return false
		}
	}
	return true
}
