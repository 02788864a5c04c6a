package mapping

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

func mustClaims(t *testing.T, s string) map[string]any {
	t.Helper()
	c, err := DecodeClaims([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExtract(t *testing.T) {
	claims := mustClaims(t, `{"a":{"b/c":{"d~e":"x"}},"arr":[{"v":"first"},{"v":"second"}],"dotted.name":"lit","":"empty-key",
		"https://acme.example/claims/phone":"+1 202 555 0100","n":7}`)
	tests := []struct {
		ref   string
		want  any
		found bool
	}{
		{"/a/b~1c/d~0e", "x", true},
		{"/arr/1/v", "second", true},
		{"/arr/01/v", nil, false}, // leading zeros are not indexes
		{"/arr/-", nil, false},
		{"/arr/2", nil, false},
		{"/n/x", nil, false}, // cannot descend into a number
		{"dotted.name", "lit", true},
		{"/dotted.name", "lit", true},
		{"/dotted/name", nil, false},
		{"https://acme.example/claims/phone", "+1 202 555 0100", true},
		{"/https:~1~1acme.example~1claims~1phone", "+1 202 555 0100", true},
		{"/", "empty-key", true},
		{"n", json.Number("7"), true},
		{"missing", nil, false},
	}
	for _, tt := range tests {
		got, found, err := Extract(claims, tt.ref)
		if err != nil || found != tt.found || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Extract(%q) = %v, %v, %v; want %v, %v", tt.ref, got, found, err, tt.want, tt.found)
		}
	}
	for _, bad := range []string{"/a~", "/a~2", "/~x/y"} {
		if _, _, err := Extract(claims, bad); !errors.Is(err, ErrPointer) {
			t.Errorf("Extract(%q): want ErrPointer, got %v", bad, err)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{" Ada@Example.COM ": "ada@example.com", "a.b+tag@sub.example.org": "a.b+tag@sub.example.org"}
	for in, want := range good {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "plain", "a@b", "a@b.", "Ada <ada@example.com>", "<ada@example.com>", "a@example.com, b@example.com", "a@@example.com"} {
		if got, err := NormalizeEmail(in); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", in, got)
		}
	}
}

func TestNormalizeMobile(t *testing.T) {
	good := map[string]string{
		"+44 7700 900123": "447700900123", "+1 (202) 555-0100": "12025550100", "+49.151.2345.6789": "4915123456789",
		"919876543210": "919876543210", "+44 (0)20 7946 0958": "442079460958",
	}
	for in, want := range good {
		if got, err := NormalizeMobile(in); err != nil || got != want {
			t.Errorf("NormalizeMobile(%q) = %q, %v", in, got, err)
		}
	}
	bad := map[string]string{
		"07700 900123": "country code", "+1 (415) 555-01x2": "contains", "1234567": "8 to 15", "+1234567890123456": "8 to 15", "+": "no digits",
	}
	for in, frag := range bad {
		if _, err := NormalizeMobile(in); err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("NormalizeMobile(%q) error = %v, want one mentioning %q", in, err, frag)
		}
	}
}

func TestRunRequestMatchesBuilder(t *testing.T) {
	res, err := RunJSON([]byte(`{"sub":"u-1","email":"A@B.example","given_name":"A"}`), map[string]string{"email": "email", "firstname": "given_name"}, "acc")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(intouch.BuildAddCustomer(intouch.NewCustomer{CUID: "u-1", FirstName: "A", Email: "a@b.example", AccountID: "acc"}))
	if !res.OK || string(res.Request) != string(want) {
		t.Errorf("request %s, want %s", res.Request, want)
	}
	if res.Profile.CUID() != "u-1" {
		t.Errorf("CUID = %q", res.Profile.CUID())
	}
	if _, err := RunJSON([]byte(`[1]`), nil, ""); err == nil {
		t.Error("a non-object must be rejected")
	}
}

func TestDiff(t *testing.T) {
	existing := intouch.CustomerProfile{FirstName: "Ada", LastName: "Lovelace", Identifiers: []intouch.Identifier{
		{Type: "cuid", Value: "u-1"}, {Type: "mobile", Value: "447700900123"}, {Type: "email", Value: "Ada@Example.com"}}}
	same := Profile{FirstName: "Ada", LastName: "Lovelace", Mobile: "447700900123", Email: "ada@example.com"}
	if d := Diff(existing, same); len(d) != 0 {
		t.Errorf("no change expected, got %+v", d)
	}
	if d := Diff(existing, Profile{FirstName: "Ada"}); len(d) != 0 {
		t.Errorf("empty mapped values must not clear data, got %+v", d)
	}
	changed := Profile{FirstName: "Augusta", LastName: "Lovelace", Mobile: "447700900999", Email: "ada@example.com"}
	d := Diff(existing, changed)
	want := Changes{{Field: "firstname", Old: "Ada", New: "Augusta"}, {Field: "mobile", Old: "447700900123", New: "447700900999"}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("Diff = %+v, want %+v", d, want)
	}
	up, ok := d.ProfileUpdate()
	if !ok || up.Profiles[0].FirstName != "Augusta" || up.Profiles[0].LastName != "" {
		t.Errorf("ProfileUpdate = %+v, %v", up, ok)
	}
	ic, ok := d.IdentifierChange()
	wantIC := intouch.ChangeIdentifierRequest{Add: []intouch.Identifier{{Type: "mobile", Value: "447700900999"}}, Remove: []intouch.Identifier{{Type: "mobile", Value: "447700900123"}}}
	if !ok || !reflect.DeepEqual(ic, wantIC) {
		t.Errorf("IdentifierChange = %+v, %v", ic, ok)
	}
	if _, ok := (Changes{{Field: "email", New: "n@example.com"}}).ProfileUpdate(); ok {
		t.Error("an email change is not a profile update")
	}
}

// Compare maps both claim sets and reports each mapped field, normalised, so a phone formatted another
// way is the same value and a changed one differs.
func TestCompare(t *testing.T) {
	id := map[string]any{"sub": "u", "given_name": "Ada", "phone_number": "+44 7700 900001", "contact": map[string]any{"email": "Ada@Example.com"}}
	ui := map[string]any{"sub": "u", "given_name": "Ada", "phone_number": "447700900001", "family_name": "Lovelace", "contact": map[string]any{"email": "ada@new.example"}}
	got := Compare(id, ui, map[string]string{"firstname": "given_name", "lastname": "family_name", "mobile": "phone_number", "email": "/contact/email"})
	want := []ClaimComparison{
		{"firstname", "given_name", "Ada", "Ada", true},
		{"lastname", "family_name", "", "Lovelace", false},
		{"mobile", "phone_number", "447700900001", "447700900001", true},
		{"email", "/contact/email", "ada@example.com", "ada@new.example", false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
