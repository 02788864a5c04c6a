package profile

import (
	"errors"
	"fmt"
	"strings"
)

// ErrAmbiguous marks more than one profile fitting a command.
var ErrAmbiguous = errors.New("several profiles fit")

// AmbiguousError names the profiles that fit equally well.
type AmbiguousError struct {
	Names []string
	For   string // "org 50123 on https://eu.api.capillarytech.com"
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("profiles %s all fit %s: pass --profile NAME", strings.Join(e.Names, ", "), e.For)
}
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// Match picks the profile for a command whose platform is url and whose org
// is org, either of which may be "" (not known yet): the one profile for
// that host and org. nil (and no error) when none fits; an *AmbiguousError
// when several do. With neither known, the only profile fits, as gh uses
// its only account.
func (c *Config) Match(url, org string) (*Profile, error) {
	var fits []*Profile
	for _, p := range c.List() {
		if (url == "" || SameHost(p.URL, url)) && (org == "" || p.OrgID == org) {
			fits = append(fits, p)
		}
	}
	switch len(fits) {
	case 0:
		return nil, nil
	case 1:
		return fits[0], nil
	}
	names := make([]string, len(fits))
	for i, p := range fits {
		names[i] = p.Name
	}
	return nil, &AmbiguousError{Names: names, For: Describe(url, org)}
}

// Describe says which platform and org a command is for, for messages.
func Describe(url, org string) string {
	switch {
	case url != "" && org != "":
		return "org " + org + " on " + url
	case org != "":
		return "org " + org
	case url != "":
		return url
	}
	return "a command that names no org or platform"
}
