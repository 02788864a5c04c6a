package mapping

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

type lineJSON struct {
	Line     int       `json:"line"`
	OK       bool      `json:"ok"`
	Profile  Profile   `json:"profile"`
	Problems []Problem `json:"problems"`
}

func checkLineJSON(t *testing.T, line int, r Result) {
	t.Helper()
	want, err := json.Marshal(lineJSON{line, r.OK, r.Profile, r.Problems})
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendLineJSON(nil, line, &r); !bytes.Equal(got, want) {
		t.Fatalf("AppendLineJSON:\n got %s\nwant %s", got, want)
	}
}

func TestAppendLineJSON(t *testing.T) {
	m := NewMapper(map[string]string{"firstname": "given_name", "email": "email", "mobile": "phone"}, "")
	for _, s := range mapperSeeds {
		checkLineJSON(t, 7, m.MapLine([]byte(s.claims)))
	}
	checkLineJSON(t, 1, Result{}) // nil identifiers and problems: null, as encoding/json writes them
	checkLineJSON(t, 1<<40, Result{OK: true, Profile: Profile{FirstName: "<a&b>\u2028\u2029\x00\x1f\x7f\xff\"\\\b\f\n\r\t é 😀",
		Identifiers: []intouch.Identifier{{Type: "cuid", Value: "\xed\xa0\x80"}}}, Problems: []Problem{{Message: "x"}, {Code: "y"}}})
}

// FuzzAppendLineJSON: any text in any field is encoded as encoding/json
// encodes it.
func FuzzAppendLineJSON(f *testing.F) {
	f.Add("Zoë <z@example.com>", "\u2028\x01\xff", 3)
	f.Fuzz(func(t *testing.T, a, b string, line int) {
		checkLineJSON(t, line, Result{OK: line%2 == 0, Profile: Profile{FirstName: a, Email: b, Source: a + b,
			Identifiers: []intouch.Identifier{{Type: b, Value: a}}}, Problems: []Problem{{Field: a, Message: b, Severity: Severity(a)}}})
	})
}
