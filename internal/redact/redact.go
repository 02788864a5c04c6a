// Package redact hides secrets in text ciamctl shows: credentials and query
// values in URLs, and the secret values a client knows it holds.
package redact

import (
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Mask replaces a hidden value.
const Mask = "REDACTED"

// URL is raw as it may be shown in errors, traces, output and cache
// metadata: user-info (user:password@, or a token in the user slot) becomes
// REDACTED@, every query value becomes REDACTED (names are kept: `?p=`
// policies and `?sig=` signatures look alike), and the fragment is dropped.
// Anything that is not an absolute URL (a file path) is returned unchanged.
func URL(raw string) string {
	if !strings.Contains(raw, "://") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return roughURL(raw)
	}
	if u.User != nil {
		u.User = url.User(Mask)
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery = maskQuery(u.RawQuery)
	}
	return u.String()
}

// Origin is u's scheme and host, nothing that could carry a secret.
func Origin(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

func maskQuery(q string) string {
	if q == "" {
		return ""
	}
	parts := strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' })
	for i, p := range parts {
		if name, _, ok := strings.Cut(p, "="); ok {
			parts[i] = name + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// roughURL handles a string url.Parse refuses: keep what precedes the
// user-info, the query and the fragment, and hide the rest.
func roughURL(raw string) string {
	scheme, rest, _ := strings.Cut(raw, "://")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i] + "?" + Mask
	}
	if at := strings.LastIndexByte(strings.SplitN(rest, "/", 2)[0], '@'); at >= 0 {
		rest = Mask + rest[at:]
	}
	return scheme + "://" + rest
}

// minSecretLen is the shortest value Secrets hides: masking every "a" of a
// one-letter password would garble every message without protecting much.
const minSecretLen = 4

// Secrets replaces known secret values (a client secret, a password and
// derived forms, an access token) wherever they appear in a text, also in
// their JSON- and URL-escaped forms, so an error message or a response body
// that echoes one prints REDACTED instead. The zero value hides nothing; it
// is not safe for concurrent Add and Text: callers hold their own lock or
// build it once.
type Secrets struct {
	values []string
	r      *strings.Replacer
}

// Add registers values (empty and very short ones are ignored).
func (s *Secrets) Add(values ...string) {
	for _, v := range values {
		if len(v) < minSecretLen {
			continue
		}
		for _, form := range []string{v, jsonEscaped(v), url.QueryEscape(v), url.PathEscape(v)} {
			if !slices.Contains(s.values, form) {
				s.values = append(s.values, form)
			}
		}
	}
	// Longest first, so a token that contains a shorter secret is hidden whole.
	sort.Slice(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
	pairs := make([]string, 0, 2*len(s.values))
	for _, v := range s.values {
		pairs = append(pairs, v, Mask)
	}
	s.r = strings.NewReplacer(pairs...)
}

// Text is text with every known secret replaced.
func (s *Secrets) Text(text string) string {
	if s == nil || s.r == nil {
		return text
	}
	return s.r.Replace(text)
}

func jsonEscaped(v string) string {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	return string(b[1 : len(b)-1])
}
