package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

func TestKeysGenerate(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "keys", "new") // created as needed
			res := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", alg, "--kid", "ci-"+alg, "--out", dir)
			if res.Code != 0 {
				t.Fatalf("exit %d: %s", res.Code, res.Stderr)
			}
			priv := filepath.Join(dir, "private.jwk.json")
			pub := filepath.Join(dir, "jwks.json")
			for path, mode := range map[string]os.FileMode{priv: 0o600, pub: 0o644} {
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != mode {
					t.Errorf("%s: mode %v, want %v", filepath.Base(path), st.Mode().Perm(), mode)
				}
			}
			privData, _ := os.ReadFile(priv)
			var jwk struct{ D, Kid, Alg string }
			if err := json.Unmarshal(privData, &jwk); err != nil || jwk.D == "" || jwk.Kid != "ci-"+alg || jwk.Alg != alg {
				t.Fatalf("private JWK: %v %+v", err, jwk)
			}
			if strings.Contains(res.Stdout+res.Stderr, jwk.D) {
				t.Error("the private key was printed")
			}
			pubData, _ := os.ReadFile(pub)
			set, err := jwks.Parse(pubData)
			if err != nil || len(set.Usable()) != 1 || len(set.Problems) != 0 || strings.Contains(string(pubData), `"d"`) {
				t.Fatalf("public JWKS: %v %+v", err, set)
			}
			if alg == "ES256" {
				clitest.Golden(t, "keys/generate.txt", clitest.Normalize(res.Stdout, dir, "DIR"))
			}

			// Existing files are kept without --force (exit 2 with a hint).
			again := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", alg, "--out", dir)
			if again.Code != 2 || !strings.Contains(again.Stderr, "already exists") || !strings.Contains(again.Stderr, "--force") {
				t.Errorf("overwrite: exit %d %s", again.Code, again.Stderr)
			}
			if after, _ := os.ReadFile(priv); string(after) != string(privData) {
				t.Error("the private key was replaced without --force")
			}
			forced := clitest.Run(t, clitest.Opts{}, "keys", "generate", "--alg", alg, "--out", dir, "--force", "-o", "json")
			var rep struct {
				Kid        string `json:"kid"`
				PrivateKey string `json:"private_key"`
			}
			if err := json.Unmarshal([]byte(forced.Stdout), &rep); err != nil || forced.Code != 0 || rep.PrivateKey != priv || rep.Kid == "" || rep.Kid == "ci-"+alg {
				t.Errorf("--force: exit %d %q %v", forced.Code, forced.Stdout, err)
			}
			if after, _ := os.ReadFile(priv); string(after) == string(privData) {
				t.Error("--force did not replace the key")
			}
			if st, _ := os.Stat(priv); st.Mode().Perm() != 0o600 {
				t.Errorf("replaced private key mode %v", st.Mode().Perm())
			}
		})
	}
	for _, bad := range [][]string{{"keys", "generate"}, {"keys", "generate", "--out", t.TempDir(), "--alg", "HS256"}} {
		if res := clitest.Run(t, clitest.Opts{}, bad...); res.Code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, res.Code)
		}
	}
}

func TestJWKSInspect(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	ok := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", "testdata/jwks/rfc7520-rsa.json")
	if ok.Code != 0 {
		t.Fatalf("exit %d: %s", ok.Code, ok.Stderr)
	}
	clitest.Golden(t, "jwks/inspect-rsa.txt", ok.Stdout)

	// A set whose only key is symmetric: listed, flagged, exit 1.
	oct := clitest.Run(t, clitest.Opts{}, "jwks", "inspect", "testdata/jwks/rfc7515-a1-oct.json")
	if oct.Code != 1 || oct.Stderr != "" {
		t.Fatalf("oct: exit %d %s", oct.Code, oct.Stderr)
	}
	clitest.Golden(t, "jwks/inspect-oct.txt", oct.Stdout)

	// Several keys with problems, served over HTTP: table, problems, JSON.
	weak := `{"keys":[
	  {"kty":"EC","kid":"ec-1","use":"sig","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
	  {"kty":"EC","kid":"ec-1","use":"enc","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
	  {"kty":"EC","kid":"wrong-alg","alg":"RS256","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(weak)) }))
	defer srv.Close()
	js := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "jwks", "inspect", srv.URL+"/jwks", "-o", "json")
	var rep struct {
		Valid    *bool `json:"valid"`
		Usable   int   `json:"usable"`
		Keys     []jwks.KeyInfo
		Problems []jwks.Problem
	}
	if err := json.Unmarshal([]byte(js.Stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, js.Stdout)
	}
	if js.Code != 1 || rep.Valid == nil || *rep.Valid || rep.Usable != 1 || len(rep.Keys) != 3 || len(rep.Problems) != 3 {
		t.Errorf("exit %d: %s", js.Code, js.Stdout)
	}
	text := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "jwks", "inspect", srv.URL+"/jwks")
	clitest.Golden(t, "jwks/inspect-problems.txt", clitest.Normalize(text.Stdout, srv.URL, "URL"))

	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	for loc, want := range map[string]int{
		downURL + "/jwks":                   3,
		"testdata/jwks/does-not-exist.json": 3,
		"file:///etc/passwd":                2,
		"README.md":                         1, // read, but not a JWKS: a bad document
	} {
		res := clitest.Run(t, clitest.Opts{Env: tkEnv(t)}, "jwks", "inspect", loc)
		if res.Code != want || res.Stdout != "" || !strings.HasPrefix(res.Stderr, "error: jwks ") {
			t.Errorf("%s: exit %d (want %d), stdout %q, stderr %q", loc, res.Code, want, res.Stdout, res.Stderr)
		}
	}
	if res := clitest.Run(t, clitest.Opts{}, "jwks", "inspect"); res.Code != 2 {
		t.Errorf("no argument: exit %d", res.Code)
	}
}
