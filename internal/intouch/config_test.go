package intouch_test

import (
	"errors"
	"testing"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"CIAMCTL_INTOUCH_URL": "eu", "CIAMCTL_INTOUCH_ORG_ID": " 50123 ",
		"CIAMCTL_INTOUCH_CLIENT_KEY": "k", "CIAMCTL_INTOUCH_CLIENT_SECRET": "s",
		"CIAMCTL_INTOUCH_USERNAME": "u", "CIAMCTL_INTOUCH_PASSWORD": "p",
	}
	c := intouch.ConfigFromEnv(func(k string) string { return env[k] })
	if c.BaseURL != "https://eu.api.capillarytech.com" || c.OrgID != "50123" || c.AuthMode() != intouch.AuthOAuth {
		t.Errorf("got %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	c.ClientKey = ""
	if c.AuthMode() != intouch.AuthBasic {
		t.Errorf("want basic when only basic credentials are set")
	}
	c.Username = ""
	if err := c.Validate(); !errors.Is(err, intouch.ErrConfig) {
		t.Errorf("want ErrConfig without credentials, got %v", err)
	}
	if _, err := intouch.New(intouch.Config{BaseURL: "ftp://x", Username: "u", Password: "p"}); !errors.Is(err, intouch.ErrConfig) {
		t.Errorf("want ErrConfig for a non-http URL, got %v", err)
	}
}

func TestClusterPresets(t *testing.T) {
	for name, want := range map[string]string{
		"eu": "https://eu.api.capillarytech.com", "apac": "https://apac.api.capillary.co.in",
		"APAC2": "https://apac2.api.capillarytech.com", "us": "https://us.api.capillarytech.com",
	} {
		if got, err := intouch.ClusterURL(name); err != nil || got != want {
			t.Errorf("ClusterURL(%q) = %q, %v", name, got, err)
		}
	}
	if _, err := intouch.ClusterURL("mars"); !errors.Is(err, intouch.ErrConfig) {
		t.Errorf("unknown cluster: %v", err)
	}
}

func TestEndpointURL(t *testing.T) {
	ep := intouch.EndpointOf(intouch.EPListSources)
	got, err := ep.URL("https://h/", map[string]string{"orgId": "5/0"}, nil)
	if err != nil || got != "https://h/v2/org/5%2F0/sources?details=true" {
		t.Errorf("URL = %q, %v", got, err)
	}
	if _, err := ep.URL("https://h", nil, nil); err == nil {
		t.Error("an unfilled placeholder must be an error")
	}
}
