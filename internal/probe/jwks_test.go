package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

// The JWKS check (doctor, config validate --online) judges the key set
// against the brand's allow-list: keys the brand never uses are warnings,
// and it fails only when no usable key is left for the allowed algorithms.
func TestJWKSJudgedAgainstBrandAlgorithms(t *testing.T) {
	for _, c := range []struct {
		set    string
		algs   []string
		ok     bool
		substr string // a finding
		sev    brand.Severity
	}{
		{"yahoo.json", []string{"ES256"}, true, "RSA modulus is 1024 bits", brand.SeverityWarning},
		{"yahoo.json", nil, false, "RSA modulus is 1024 bits", brand.SeverityError},
		{"yahoo.json", []string{"RS256"}, false, "no usable key in the JWKS can verify an allowed algorithm (RS256)", brand.SeverityError},
		{"paypal.json", nil, true, "X25519 is a key-agreement (encryption) curve", brand.SeverityWarning},
		{"paypal.json", []string{"RS256"}, true, "X25519", brand.SeverityWarning},
	} {
		body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "keysets", c.set))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
		p := &Prober{Client: srv.Client(), Fetcher: &jwks.Fetcher{Client: srv.Client(), NoCache: true}}
		cfg := &brand.Config{CIAM: brand.CIAM{JWKSURI: srv.URL + "/jwks", Algorithms: c.algs}}
		r := p.JWKS(context.Background(), cfg)
		srv.Close()
		found := false
		for _, f := range r.Findings {
			found = found || strings.Contains(f.Message, c.substr) && f.Severity == c.sev
		}
		if r.OK() != c.ok || !found {
			t.Errorf("%s %v: ok=%v, want %v; want a %s finding %q in %+v", c.set, c.algs, r.OK(), c.ok, c.sev, c.substr, r.Findings)
		}
	}
}
