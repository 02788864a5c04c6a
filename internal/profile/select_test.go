package profile_test

import (
	"errors"
	"testing"

	"github.com/ciamctl/ciamctl/internal/profile"
)

func TestMatch(t *testing.T) {
	const eu, us, local = "https://eu.api.capillarytech.com", "https://us.api.capillarytech.com", "http://127.0.0.1:8080"
	cfg := &profile.Config{Profiles: map[string]*profile.Profile{
		"eu-1":    {Name: "eu-1", URL: eu, OrgID: "1"},
		"eu-2":    {Name: "eu-2", URL: eu + "/", OrgID: "2"},
		"us-1":    {Name: "us-1", URL: us, OrgID: "1"},
		"local-1": {Name: "local-1", URL: local, OrgID: "1"},
	}}
	cases := []struct {
		url, org string
		want     string // "" none, "?" ambiguous
	}{
		{eu, "1", "eu-1"},
		{"HTTPS://EU.api.capillarytech.com:443/", "2", "eu-2"}, // same host written differently
		{us, "1", "us-1"},
		{us, "2", ""},                      // no profile for that org there
		{"", "2", "eu-2"},                  // the org alone picks it
		{"", "1", "?"},                     // org 1 on three hosts
		{eu, "", "?"},                      // two orgs on eu
		{"http://127.0.0.1:8081", "1", ""}, // another port is another host
		{local, "", "local-1"},
		{"https://127.0.0.1:8080", "1", ""}, // another scheme
	}
	for _, tc := range cases {
		p, err := cfg.Match(tc.url, tc.org)
		got := ""
		switch {
		case errors.Is(err, profile.ErrAmbiguous):
			got = "?"
		case err != nil:
			t.Fatalf("%s %s: %v", tc.url, tc.org, err)
		case p != nil:
			got = p.Name
		}
		if got != tc.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tc.url, tc.org, got, tc.want)
		}
	}
	// The only profile fits a command that names nothing.
	one := &profile.Config{Profiles: map[string]*profile.Profile{"x": {Name: "x", URL: eu, OrgID: "9"}}}
	if p, err := one.Match("", ""); err != nil || p == nil || p.Name != "x" {
		t.Errorf("only profile: %v %v", p, err)
	}
}

func TestNames(t *testing.T) {
	for _, ok := range []string{"eu-50123", "a", "Prod_2.eu", "127.0.0.1-8080-1"} {
		if err := profile.CheckName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", ".x", "a b", "a/b", "ü", string(make([]byte, 64))} {
		if err := profile.CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := profile.DefaultName("eu", "https://eu.api.capillarytech.com", "50123"); got != "eu-50123" {
		t.Errorf("DefaultName = %q", got)
	}
	if got := profile.DefaultName("", "http://127.0.0.1:8080", "7"); got != "127.0.0.1-8080-7" {
		t.Errorf("DefaultName = %q", got)
	}
	if got := profile.DefaultName("", "http://[::1]:80", "7"); profile.CheckName(got) != nil {
		t.Errorf("DefaultName for IPv6 = %q, not a valid name", got)
	}
}
