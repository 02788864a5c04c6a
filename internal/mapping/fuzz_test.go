package mapping

import (
	"reflect"
	"testing"
)

// FuzzExtract checks that claim extraction never panics and that pointers agree with literal lookups.
func FuzzExtract(f *testing.F) {
	seeds := []struct{ claims, ref string }{
		{`{"sub":"x","email":"a@b.example"}`, "email"},
		{`{"contact":{"email":"a@b.example"}}`, "/contact/email"},
		{`{"a/b":{"c~d":"v"}}`, "/a~1b/c~0d"},
		{`{"https://acme.example/claims/mobile":"+1"}`, "https://acme.example/claims/mobile"},
		{`{"user.name":"n"}`, "user.name"},
		{`{"arr":[1,"two",{"x":null}]}`, "/arr/2/x"},
		{`{"arr":[1]}`, "/arr/01"},
		{`{"":{"":"deep"}}`, "//"},
		{`{"a":1}`, "/a~"},
		{`{"a":1}`, "/a~2"},
		{`{"~":"t"}`, "/~0"},
		{`{"n":1e400}`, "/n"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.claims), s.ref)
	}
	f.Fuzz(func(t *testing.T, raw []byte, ref string) {
		claims, err := DecodeClaims(raw)
		if err != nil {
			return
		}
		v, found, err := Extract(claims, ref)
		if !IsPointer(ref) {
			lit, ok := claims[ref]
			if err != nil || found != ok || !reflect.DeepEqual(v, lit) {
				t.Fatalf("literal %q: got %v %v %v, want %v %v", ref, v, found, err, lit, ok)
			}
		}
		if err != nil && found {
			t.Fatalf("found with an error for %q", ref)
		}
		// Every top-level claim is reachable through its escaped pointer.
		for k, want := range claims {
			got, ok, err := Extract(claims, "/"+escapeToken(k))
			if err != nil || !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("pointer to %q: got %v %v %v", k, got, ok, err)
			}
		}
		// The dry run never panics on any claims and mapping.
		res := Run(Input{Claims: claims, Mappings: map[string]string{FieldEmail: ref, FieldMobile: ref, FieldFirstName: ref}, AccountID: "a"})
		if res.OK && res.Profile.CUID() == "" {
			t.Fatal("OK without a cuid")
		}
	})
}
