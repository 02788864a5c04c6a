package brand

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// isBrandName matches ^[a-z0-9][a-z0-9-]{0,62}$. A loop rather than a
// regexp: the bounded repetition compiles into a large program at start-up
// of every command, and this check is simple.
func isBrandName(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// AllowedAlgorithms are the asymmetric JWS algorithms a brand may allow.
var AllowedAlgorithms = []string{
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
	"EdDSA",
}

// ValidateName checks a brand name: it is also the file name.
func ValidateName(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	if !isBrandName(s) {
		hint := ""
		if l := strings.ToLower(s); l != s && isBrandName(l) {
			hint = fmt.Sprintf(" (try %q)", l)
		}
		return fmt.Errorf("%q is not a valid brand name: use 1-63 lowercase letters, digits and dashes, starting with a letter or digit%s", s, hint)
	}
	return nil
}

// ValidateDisplayName checks the brand's name for people: any text the
// ticket can print on one line.
func ValidateDisplayName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("is blank; give the brand's name, e.g. \"Acme Loyalty\", or leave it out")
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has leading or trailing spaces; remove them", s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return errors.New("contains control characters (line breaks, tabs, escapes); use one line of text")
	}
	if n := utf8.RuneCountInString(s); n > 200 {
		return fmt.Errorf("is %d characters long; at most 200 are allowed", n)
	}
	return nil
}

// ValidateID checks an identifier issued by the CIAM (application or client ID).
func ValidateID(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has leading or trailing spaces; remove them", s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return errors.New("contains control characters")
	}
	if len(s) > 512 {
		return fmt.Errorf("is %d characters long; at most 512 are allowed", len(s))
	}
	return nil
}

// ValidateAccountName checks a channel account's name as the platform
// returns it to `channel link`: optional, and when set held to the rules of
// an ID (no control characters, no surrounding spaces, at most 512
// characters). A name already in a file is only displayed, escaped.
func ValidateAccountName(s string) error {
	if s == "" {
		return nil
	}
	return ValidateID(s)
}

// ValidateURL checks an endpoint URL: absolute, https unless the host is
// loopback (urlpolicy's rule, which every URL ciamctl fetches follows), no
// credentials, no fragment.
func ValidateURL(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	shown := redact.URL(s) // messages reach CI logs: no credentials or query values
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q is not an absolute http(s) URL", shown)
	}
	if u.User != nil {
		return errors.New("must not contain credentials; keep secrets out of brand files")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return fmt.Errorf("%q must not have a #fragment", shown+"#"+u.Fragment) // the part to remove is shown
	}
	if !urlpolicy.CleartextOK(u) {
		return fmt.Errorf("%q must use https (http is allowed only for localhost, 127.0.0.0/8 and ::1)", shown)
	}
	return nil
}

// ValidateClaimRef checks a mapping value: a claim name, or a JSON Pointer
// (RFC 6901) when it starts with "/".
func ValidateClaimRef(s string) error {
	if s == "" {
		return errors.New("is empty; name an ID-token claim or remove the mapping")
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has leading or trailing spaces; claim names are taken literally", s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return errors.New("contains control characters")
	}
	if strings.HasPrefix(s, "/") {
		for i := 0; i < len(s); i++ {
			if s[i] == '~' && (i+1 >= len(s) || (s[i+1] != '0' && s[i+1] != '1')) {
				return fmt.Errorf("%q is not a valid JSON Pointer: \"~\" must be written \"~0\" and \"/\" inside a name \"~1\"", s)
			}
		}
	}
	return nil
}

// ValidateAlgorithm checks one entry of an algorithm allow-list.
func ValidateAlgorithm(a string) error {
	switch {
	case strings.EqualFold(a, "none"):
		return fmt.Errorf("%q is never allowed: an unsigned token proves nothing", a)
	case len(a) >= 2 && strings.EqualFold(a[:2], "HS"):
		return fmt.Errorf("%q is a symmetric algorithm and is not allowed: the gateway verifies ID tokens with the CIAM's public keys; use RS256 or ES256", a)
	case slices.Contains(AllowedAlgorithms, a):
		return nil
	}
	for _, ok := range AllowedAlgorithms {
		if strings.EqualFold(ok, a) {
			return fmt.Errorf("%q is not a known algorithm; did you mean %q?", a, ok)
		}
	}
	return fmt.Errorf("%q is not allowed; use one of %s", a, strings.Join(AllowedAlgorithms, ", "))
}
