package intouch_test

import (
	"testing"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

// TestClusterPresetsAreINTOUCHHosts: the presets are INTOUCH.md's hosts: India under .co.in (apac is its alias), and China.
func TestClusterPresetsAreINTOUCHHosts(t *testing.T) {
	want := map[string]string{
		"india": "https://apac.api.capillary.co.in",
		"apac":  "https://apac.api.capillary.co.in",
		"APAC2": "https://apac2.api.capillarytech.com",
		"eu":    "https://eu.api.capillarytech.com",
		"us":    "https://us.api.capillarytech.com",
		"china": "https://api.capillarytech.cn.com",
	}
	for name, url := range want {
		got, err := intouch.ClusterURL(name)
		if err != nil || got != url {
			t.Errorf("ClusterURL(%q) = %q, %v; want %q", name, got, err, url)
		}
	}
	if n := len(intouch.ClusterNames()); n != len(want) {
		t.Errorf("ClusterNames = %v", intouch.ClusterNames())
	}
	cfg := intouch.ConfigFromEnv(func(k string) string {
		if k == intouch.EnvURL {
			return "china"
		}
		return ""
	})
	if cfg.BaseURL != want["china"] {
		t.Errorf("CIAMCTL_INTOUCH_URL=china gives %q", cfg.BaseURL)
	}
}
