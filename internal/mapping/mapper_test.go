package mapping

import (
	"encoding/json"
	"net/mail"
	"reflect"
	"strings"
	"testing"
)

// lineOf is what MapLine must give for claims Run maps: Run's result
// without the request body and the notes.
func lineOf(r Result) Result {
	r.Request, r.Notes = json.RawMessage("null"), nil
	return r
}

var mapperSeeds = []struct{ claims, email, mobile string }{
	{`{"sub":"u-1","email":"A@Example.com","phone":"+44 7700 900001"}`, "email", "phone"},
	{`{"sub":"u-1","email":"a@example.com","email":"b@example.com"}`, "email", "phone"},               // the last duplicate wins
	{`{"sub":"u-1","contact":{"email":"x@y.example","email":"z@y.example"}}`, "/contact/email", "/m"}, // also nested
	{`{"sub":"u-1","c":[{"e":"q@y.example"},{"e":"r@y.example"}]}`, "/c/1/e", "/c/01/e"},
	{`{"sub":"u-1","c":{"a\/b":"s@y.example","m\u0065":"+1 202 555 0100"}}`, "/c/a~1b", "/c/me"},
	{`{"s\u0075b":"u-2","email":"e@y.example"}`, "email", "mobile"}, // an escaped top-level name: DecodeClaims path
	{`{"sub":"\u00e9l\u00e8ve","email":"\u00e9l\u00e8ve@\u00e9cole.example"}`, "email", "mobile"},
	{"{\"sub\":\"u\xff\",\"email\":\"a\xffb@y.example\"}", "email", "mobile"}, // invalid UTF-8 becomes U+FFFD
	{`{"sub":7,"email":null,"mobile":true,"n":{"x":[1,2]}}`, "email", "/n/x"},
	{`{"sub":"  ","email":"","mobile":"0123"}`, "email", "mobile"},
	{`{"sub":"u"} }`, "email", "mobile"}, // DecodeClaims's own leniency, kept
	{`[1,2]`, "email", "mobile"},
	{`{"sub":"u",}`, "email", "mobile"},
	{` {"sub" : "u" , "e" : [ "a@b.example" , 1e5 ] } `, "/e/0", "/e/1"},
	{`{"":{"":"deep@y.example"}}`, "//", "/"},
}

func checkMapLine(t *testing.T, raw []byte, mappings map[string]string) {
	t.Helper()
	got := NewMapper(mappings, "acct").MapLine(raw)
	if len(raw) == 0 {
		// No bytes at all is MapLine's "no claims" (a token that could not
		// be decoded), not a malformed claims line: batches skip blank
		// lines before mapping.
		if got.OK || len(got.Problems) == 0 || got.Problems[0].Code == CodeInvalidClaims {
			t.Fatalf("empty line: MapLine gives %+v, want a profile without claims", got)
		}
		return
	}
	claims, err := DecodeClaims(raw)
	if err != nil {
		if got.OK || len(got.Problems) == 0 || got.Problems[0].Code != CodeInvalidClaims || got.Problems[0].Message != err.Error() {
			t.Fatalf("%q: not claims (%v) but MapLine gives %+v", raw, err, got)
		}
		return
	}
	want := lineOf(Run(Input{Claims: claims, Mappings: mappings, AccountID: "acct"}))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q with %v:\n MapLine %+v\n     Run %+v", raw, mappings, got, want)
	}
}

func TestMapLineAgreesWithRun(t *testing.T) {
	for _, s := range mapperSeeds {
		checkMapLine(t, []byte(s.claims), map[string]string{"firstname": "sub", "email": s.email, "mobile": s.mobile, "extra": "x"})
	}
}

// FuzzMapLine checks the raw-line fast path against decoding the claims
// and running the mapping: the same profile and problems, whatever the line.
func FuzzMapLine(f *testing.F) {
	for _, s := range mapperSeeds {
		f.Add([]byte(s.claims), s.email, s.mobile)
	}
	f.Fuzz(func(t *testing.T, raw []byte, email, mobile string) {
		checkMapLine(t, raw, map[string]string{"email": email, "mobile": mobile, "lastname": "/contact/0"})
	})
}

var benchLine = []byte(`{"sub":"00000000-0000-4000-8000-000000000001","given_name":"Alice","family_name":"Anders","email":"alice.anders@example.com","phone_number":"+44 7700 900001","email_verified":true,"contact":{"email":"alice.anders@example.com"},"https://acme.example/claims/mobile":"+44 7700 900001"}`)

var benchMappings = map[string]string{"firstname": "given_name", "lastname": "family_name", "mobile": "https://acme.example/claims/mobile", "email": "/contact/email"}

// BenchmarkMapLine is one profile of a batch through the fast path.
func BenchmarkMapLine(b *testing.B) {
	m := NewMapper(benchMappings, "acme").LineMapper()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchLine)))
	for b.Loop() {
		if r := m.MapLine(benchLine); !r.OK {
			b.Fatal(r.Problems)
		}
	}
}

// BenchmarkRunDecoded is the same profile decoded and mapped as a single
// dry run does it, for comparison.
func BenchmarkRunDecoded(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchLine)))
	for b.Loop() {
		c, _ := DecodeClaims(benchLine)
		if r := Run(Input{Claims: c, Mappings: benchMappings, AccountID: "acme"}); !r.OK {
			b.Fatal(r.Problems)
		}
	}
}

// FuzzNormalizeEmail: the plain-address fast path answers as
// mail.ParseAddress and the checks after it do.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@b.example", "A.B+c@x-y.example.com", "a..b@x.example", ".a@x.example", "a@x.example.", "a@-x.example", "a@x", "a_b%c@1.2", "a@b@c.example", "\"a\"@b.example", "zoë@exämple.com", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" || len(s) > 254 || !plainEmail(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			t.Fatalf("%q: plain, but mail.ParseAddress gives %+v, %v", s, a, err)
		}
	})
}
