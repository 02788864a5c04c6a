package cluster

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckAndSuggest(t *testing.T) {
	for _, name := range []string{"india", "apac", "apac2", "eu", "us", "china"} {
		if err := Check(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, want := range map[string]string{
		"EU": `did you mean "eu"?`, "europe": `did you mean "eu"?`, "mars": "", "indai": `did you mean "india"?`, "apca2": `did you mean "apac2"?`,
		"eu.api.capillarytech.com": `did you mean "eu"?`, "apac.api.capillary.co.in": `did you mean "india"?`, "": "",
	} {
		err := Check(name)
		if err == nil {
			t.Errorf("%q accepted", name)
			continue
		}
		if want != "" && !strings.Contains(err.Error(), want) || want == "" && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%q: %v, want %q", name, err, want)
		}
		if !strings.Contains(err.Error(), "presets: apac, apac2, china, eu, india, us") {
			t.Errorf("%q: the presets are not listed: %v", name, err)
		}
	}
}

// The presets table is kept sorted by hand: Names lists it as it stands.
func TestNamesSortedAndUnique(t *testing.T) {
	names := Names()
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("Names() = %v, want sorted and unique", names)
	}
}
