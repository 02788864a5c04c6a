package brand

import (
	"strings"
	"testing"
)

func mustChanges(t *testing.T, args ...string) []Change {
	t.Helper()
	var out []Change
	for _, a := range args {
		ch, err := ParseChange(a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ch)
	}
	return out
}

// Each edit changes only the lines it must; everything else stays byte for byte.
func TestEditKeepsLayout(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"replace a value, keep its comment", []string{"ciam.clientId=acme-web"},
			strings.Replace(commented, "clientId: acme-loyalty", "clientId: acme-web", 1)},
		{"replace keeps the trailing comment's place", []string{"ciam.applicationId=7b2"},
			strings.Replace(commented, "applicationId: 6a1f0c2e     # from the CIAM", "applicationId: 7b2     # from the CIAM", 1)},
		{"add a top-level key after the keys before it", []string{"displayName=Acme Loyalty"},
			strings.Replace(commented, "brand: acme                     # the file name matches\n", "brand: acme                     # the file name matches\ndisplayName: Acme Loyalty\n", 1)},
		{"write a number unquoted", []string{"orgId=7", "cluster=eu"},
			strings.Replace(commented, "orgId: 50123\n", "orgId: 7\ncluster: eu\n", 1)},
		{"remove a key, keep the blank line", []string{"orgId-"},
			strings.Replace(commented, "orgId: 50123\n", "", 1)},
		{"add the first key of a section", []string{"ciam.provider=auth0"},
			strings.Replace(commented, "ciam:\n", "ciam:\n    provider: auth0\n", 1)},
		{"add a key in its place", []string{"ciam.issuer=https://id.acme.example/"},
			strings.Replace(commented, "    clientId: acme-loyalty\n", "    clientId: acme-loyalty\n    issuer: https://id.acme.example/\n", 1)},
		{"add a mapping before others", []string{"mappings.firstname=given_name"},
			strings.Replace(commented, "mappings:\n", "mappings:\n    firstname: given_name\n", 1)},
		{"replace a flow list", []string{"ciam.algorithms=ES256"},
			strings.Replace(commented, "[RS256, ES256]", "[ES256]", 1)},
		{"remove a key", []string{"ciam.algorithms-"},
			strings.Replace(commented, "    algorithms: [RS256, ES256]\n", "", 1)},
		{"remove the last key of a section with its comment", []string{"mappings.email-"},
			strings.Replace(commented, "\n# platform field <- claim\nmappings:\n    email: /contact/email       # a JSON Pointer\n", "\n", 1)},
		{"remove a section", []string{"mappings-"},
			strings.Replace(commented, "\n# platform field <- claim\nmappings:\n    email: /contact/email       # a JSON Pointer\n", "\n", 1)},
		{"quote what would not read back", []string{"ciam.clientId=12345", "displayName=yes: no"},
			strings.Replace(strings.Replace(commented, "clientId: acme-loyalty", `clientId: "12345"`, 1),
				"matches\n", "matches\ndisplayName: 'yes: no'\n", 1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Edit([]byte(commented), mustChanges(t, c.args...))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want {
				t.Fatalf("got:\n%s\nwant:\n%s", out, c.want)
			}
		})
	}
}

func TestEditAddsASectionAndBlockLists(t *testing.T) {
	in := "apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: acme\nciam:\n  clientId: c\n  algorithms:\n    - RS256   # the CIAM's default\n    - PS256\n# tail comment\n"
	out, err := Edit([]byte(in), mustChanges(t, "mappings.email=email", "ciam.algorithms=ES256,EdDSA"))
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: acme\nciam:\n  clientId: c\n  algorithms:\n    - ES256\n    - EdDSA\nmappings:\n  email: email\n# tail comment\n"
	if string(out) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestEditNoChangeIsTheSameBytes(t *testing.T) {
	out, err := Edit([]byte(commented), mustChanges(t, "ciam.clientId=acme-loyalty", "orgId=50123", "displayName-", "channel-"))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != commented {
		t.Fatalf("a no-op edit changed the file:\n%s", out)
	}
}

// Layouts that line edits cannot handle are re-encoded: values right, comments kept.
func TestEditReencodesUnusualLayouts(t *testing.T) {
	for name, in := range map[string]string{
		"flow section": "# head\nbrand: acme # name\nciam: {clientId: a, jwksUri: https://x/}\n",
		"block scalar": "# head\nbrand: acme # name\nciam:\n  clientId: |\n    a\n  jwksUri: https://x/\n",
		"flow root":    "{brand: acme, ciam: {clientId: a}}  # name\n# head\n",
	} {
		t.Run(name, func(t *testing.T) {
			out, err := Edit([]byte(in), mustChanges(t, "ciam.clientId=b", "mappings.email=email", "displayName=D"))
			if err != nil {
				t.Fatal(err)
			}
			cfg, _, problems := Decode(out)
			if len(problems) != 0 || cfg.CIAM.ClientID != "b" || cfg.Mappings.Email != "email" || cfg.DisplayName != "D" || cfg.Brand != "acme" {
				t.Fatalf("read back %+v %v from:\n%s", cfg, problems, out)
			}
			if !strings.Contains(string(out), "# head") || !strings.Contains(string(out), "# name") {
				t.Errorf("comments lost:\n%s", out)
			}
		})
	}
}

func TestEditRefusesWhatIsNotABrandFile(t *testing.T) {
	for _, in := range []string{"", "- a\n", "brand: [\n"} {
		if _, err := Edit([]byte(in), mustChanges(t, "displayName=x")); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseChange(t *testing.T) {
	ok := map[string]Change{
		"ciam.clientId=a=b":             {Path: "ciam.clientId", Value: "a=b"},
		"ciam.algorithms=RS256, ES256":  {Path: "ciam.algorithms", List: []string{"RS256", "ES256"}},
		"mappings.email-":               {Path: "mappings.email", Remove: true},
		"channel-":                      {Path: "channel", Remove: true},
		"orgId=50123":                   {Path: "orgId", Value: "50123"},
		"displayName=Acme - the brand-": {Path: "displayName", Value: "Acme - the brand-"},
	}
	for arg, want := range ok {
		got, err := ParseChange(arg)
		if err != nil || got.String() != want.String() || got.Remove != want.Remove {
			t.Errorf("%q: got %+v, %v; want %+v", arg, got, err, want)
		}
	}
	bad := map[string]string{
		"clientId=x":           "did you mean ciam.clientId?",
		"ciam.clientid=x":      "did you mean ciam.clientId?",
		"nope=x":               "unknown key nope; keys are displayName, orgId",
		"displayName=":         "to remove the key, write displayName-",
		"displayName":          "expected KEY=VALUE",
		"brand=other":          "to rename a brand",
		"orgId=12a":            "must be a whole number",
		"ciam=x":               "is a section",
		"ciam.algorithms=A,,B": "empty item",
	}
	for arg, want := range bad {
		_, err := ParseChange(arg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", arg, err, want)
		}
	}
}

func TestDiffAndChanges(t *testing.T) {
	before, _, _ := Decode([]byte(commented))
	after := cloneConfig(before)
	after.Apply(Change{Path: "ciam.clientId", Value: "web"})
	after.Apply(Change{Path: "mappings.email", Remove: true})
	after.Apply(Change{Path: "displayName", Value: "Acme"})
	got := Diff(before, after)
	want := []FieldChange{{"displayName", "", "Acme"}, {"ciam.clientId", "acme-loyalty", "web"}, {"mappings.email", "/contact/email", ""}}
	if len(got) != len(want) {
		t.Fatalf("diff %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("diff[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if chs := Changes(before, after, "ciam.clientId"); len(chs) != 1 || chs[0].String() != "ciam.clientId=web" {
		t.Errorf("changes limited to ciam.clientId: %v", chs)
	}
}
