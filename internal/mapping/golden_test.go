package mapping

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/mapping")

const goldenDir = "../../testdata/mapping"

type goldenInput struct {
	Claims    json.RawMessage   `json:"claims"`
	Mappings  map[string]string `json:"mappings"`
	AccountID string            `json:"accountId"`
}

// TestGolden runs every testdata/mapping/NAME.input.json and compares with NAME.golden.json.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.input.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs in %s: %v", goldenDir, err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".input.json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var gi goldenInput
			if err := json.Unmarshal(raw, &gi); err != nil {
				t.Fatalf("%s: %v", in, err)
			}
			res, err := RunJSON(gi.Claims, gi.Mappings, gi.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join(goldenDir, name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `go test ./internal/mapping -run TestGolden -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s (rerun with -update after review)\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
