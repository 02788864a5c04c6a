package brand

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testdata(t testing.TB, parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "brands"}, parts...)...)
}

func TestValidExamplesHaveNoErrors(t *testing.T) {
	files, _ := filepath.Glob(testdata(t, "valid", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no valid examples")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if res := CheckFile(f, data); !res.Valid() {
			t.Errorf("%s: %v", f, res.Problems)
		}
	}
}

func TestInvalidExamplesAreLocated(t *testing.T) {
	files, _ := filepath.Glob(testdata(t, "invalid", "*.yaml"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		res := CheckFile(f, data)
		if res.Valid() {
			t.Errorf("%s: accepted", f)
		}
		for _, p := range res.Problems {
			if p.Line < 1 || p.Column < 1 || p.File != f || p.Message == "" {
				t.Errorf("%s: unlocated problem %+v", f, p)
			}
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	c := New("acme")
	c.DisplayName = "Acme Loyalty: Ünïcode & \"quotes\""
	c.OrgID = 50123
	c.CIAM = CIAM{Provider: "okta", ApplicationID: "0042", ClientID: "123", Issuer: "https://id.acme.example/",
		UserinfoEndpoint: "https://id.acme.example/userinfo", JWKSURI: "https://id.acme.example/jwks",
		Algorithms: []string{"ES256", "EdDSA"}}
	c.Mappings = Mappings{Firstname: "given.name", Email: "/contact/e~1mail", Mobile: "https://acme.example/claims/phone"}
	c.Channel = &Channel{Source: SourceOAuthExternal, AccountID: "007", AccountName: "Acme: CIAM"}
	data, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	res := CheckFile("acme.yaml", data)
	if len(res.Problems) != 0 {
		t.Fatalf("problems after round trip: %v\n%s", res.Problems, data)
	}
	if !reflect.DeepEqual(res.Config, c) {
		t.Fatalf("round trip changed the config:\n%+v\n%+v", res.Config, c)
	}
}

func TestMissingFieldPointsAtItsSection(t *testing.T) {
	data := []byte("apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: acme\nciam:\n  clientId: c\n  jwksUri: https://a.example/j\n  userinfoEndpoint: https://a.example/u\nmappings:\n  email: email\n")
	res := CheckFile("acme.yaml", data)
	for _, p := range res.Problems {
		if p.Field == "ciam.applicationId" {
			if p.Line != 4 || p.Column != 1 {
				t.Errorf("applicationId located at %d:%d, want 4:1 (the ciam key)", p.Line, p.Column)
			}
			return
		}
	}
	t.Fatalf("missing applicationId not reported: %v", res.Problems)
}

func TestCrossCheckDuplicateBrand(t *testing.T) {
	a := CheckFile("dir/twin.yaml", []byte("brand: twin\n"))
	b := CheckFile("other/twin.yaml", []byte("apiVersion: ciamctl/v1\nbrand: twin\n"))
	rs := []FileResult{a, b}
	CrossCheck(rs)
	found := false
	for _, p := range rs[1].Problems {
		if p.Field == "brand" && p.Line == 2 && p.Severity == SeverityError {
			found = true
		}
	}
	if !found {
		t.Fatalf("duplicate not reported on the second file: %v", rs[1].Problems)
	}
}

func TestAlgorithmRules(t *testing.T) {
	for _, a := range AllowedAlgorithms {
		if err := ValidateAlgorithm(a); err != nil {
			t.Errorf("%s rejected: %v", a, err)
		}
	}
	for _, a := range []string{"none", "NONE", "nOnE", "HS256", "hs384", "HS512", "rs256", "ES256K", "", "RSA-OAEP"} {
		if ValidateAlgorithm(a) == nil {
			t.Errorf("%q accepted", a)
		}
	}
}

func TestURLRules(t *testing.T) {
	ok := []string{"https://id.example.com/jwks", "http://localhost:8080/x", "http://127.0.0.2/x", "http://[::1]:9/x", "https://id.example.com:8443/a?b=c"}
	bad := []string{"", "http://id.example.com/", "ftp://id.example.com/", "id.example.com/jwks", "https://u:p@id.example.com/", "https://id.example.com/#k", "https:///path", "http://localhost.evil.example/"}
	for _, u := range ok {
		if err := ValidateURL(u); err != nil {
			t.Errorf("%s rejected: %v", u, err)
		}
	}
	for _, u := range bad {
		if ValidateURL(u) == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

// FuzzCheckFile: any input yields problems with positions, never a panic.
func FuzzCheckFile(f *testing.F) {
	for _, dir := range []string{"valid", "invalid", "duplicate"} {
		files, _ := filepath.Glob(testdata(f, dir, "*.y*ml"))
		for _, file := range files {
			data, _ := os.ReadFile(file)
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Add([]byte("ciam: {algorithms: [{}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res := CheckFile("fuzz.yaml", data)
		for _, p := range res.Problems {
			if p.Line < 0 || p.Column < 0 || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
		if res.Valid() {
			again, err := Encode(res.Config)
			if err != nil {
				t.Fatal(err)
			}
			// A valid config re-encodes to a file with no errors, except the
			// file name rule.
			for _, p := range CheckFile(res.Config.Brand+".yaml", again).Problems {
				if p.Severity == SeverityError {
					t.Fatalf("valid config re-encodes with error %v", p)
				}
			}
		}
	})
}

func TestOrgIsTheIntouchForm(t *testing.T) {
	for id, want := range map[int64]string{0: "", 100737: "100737", 9007199254740993: "9007199254740993"} {
		if got := (&Config{OrgID: id}).Org(); got != want {
			t.Errorf("OrgID %d: Org() = %q, want %q", id, got, want)
		}
	}
}

// displayName is any one line of text: a real brand name such as "Acme
// Loyalty" is stored, while a line break or an escape, which would forge
// lines of the ticket, is an error at its position.
func TestDisplayName(t *testing.T) {
	base := "apiVersion: ciamctl/v1\nkind: BrandConfig\nbrand: acme\n%s\nciam:\n  applicationId: a\n  clientId: c\n  jwksUri: https://id.acme.example/jwks\n  userinfoEndpoint: https://id.acme.example/userinfo\n  issuer: https://id.acme.example/\nmappings:\n  email: email\n"
	ok := CheckFile("acme.yaml", []byte(fmt.Sprintf(base, "displayName: Acme Loyalty")))
	if !ok.Valid() || ok.Config.DisplayName != "Acme Loyalty" || ok.Config.Name() != "Acme Loyalty" {
		t.Fatalf("valid display name: %+v %v", ok.Config, ok.Problems)
	}
	for _, bad := range []string{`displayName: "Acme\nLoyalty"`, `displayName: "Acme\e[31m"`, `displayName: "  "`, `displayName: [a]`} {
		res := CheckFile("acme.yaml", []byte(fmt.Sprintf(base, bad)))
		if res.Valid() {
			t.Errorf("%s accepted", bad)
			continue
		}
		if p := res.Problems[0]; p.Line != 4 || !strings.Contains(p.Message, "displayName") {
			t.Errorf("%s: %+v", bad, p)
		}
	}
	if (&Config{Brand: "acme"}).Name() != "acme" {
		t.Error("Name without displayName is not the key")
	}
}
