package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oidc/hostile"
)

// hostileRun runs ciamctl under hostile.Bounded: a hang fails the test,
// and with measure the bytes allocated are returned.
func hostileRun(t *testing.T, measure bool, o clitest.Opts, args ...string) (clitest.Result, uint64) {
	t.Helper()
	return hostile.Bounded(t, measure, "ciamctl "+args[0], func() clitest.Result { return clitest.Run(t, o, args...) })
}

// TestHostileTokensCLI runs every case of testdata/hostile/cases.json through
// `ciamctl token verify`: exit code, the verdict line with reason and
// message, the JSON result, and no panic, stack trace or stray output.
func TestHostileTokensCLI(t *testing.T) {
	dir := filepath.Join(clitest.RepoRoot(t), "testdata", "hostile")
	m, err := hostile.Load(dir)
	if err != nil {
		t.Fatalf("%v (regenerate with go run ./internal/tools/genhostile)", err)
	}
	attackerSet, err := os.ReadFile(filepath.Join(dir, "jwks", "attacker.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(attackerSet)
	}))
	defer srv.Close()
	opts := clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}}

	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tok, err := c.Materialize(dir, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"token", "verify", "--jwks", filepath.Join(dir, c.JWKS),
				"--issuer", c.Policy.Issuer, "--audience", c.Policy.Audience, "--now", c.Now}
			if len(c.Policy.Algorithms) > 0 {
				args = append(args, "--alg", strings.Join(c.Policy.Algorithms, ","))
			}
			// A policy listing none or HS* is the library's defence in
			// depth; the command refuses such an --alg outright (issue 12,
			// item 14), naming it.
			if i := slices.IndexFunc(c.Policy.Algorithms, jwks.IsForbiddenAlg); i >= 0 {
				res := clitest.Run(t, opts, append(args, tok)...)
				if res.Code != 2 || res.Stdout != "" || !strings.HasPrefix(res.Stderr, fmt.Sprintf("error: --alg: %q ", c.Policy.Algorithms[i])) {
					t.Fatalf("--alg %s: exit %d, want 2 naming it\n%s%s", strings.Join(c.Policy.Algorithms, ","), res.Code, res.Stdout, res.Stderr)
				}
				return
			}
			if strings.HasPrefix(tok, "-") {
				t.Fatal("a token starting with '-' would be read as a flag; pass it on stdin")
			}

			res, alloc := hostileRun(t, c.Expect.BoundedAlloc, opts, append(args, tok)...)
			checkHostileText(t, c, res)
			if c.Expect.BoundedAlloc {
				t.Logf("%d bytes allocated for a %d-byte token", alloc, len(tok))
				if alloc > hostile.MaxAlloc {
					t.Errorf("token verify allocated %d MiB, limit %d MiB", alloc>>20, hostile.MaxAlloc>>20)
				}
			}

			res, _ = hostileRun(t, false, opts, append(args, "-o", "json", tok)...)
			checkHostileJSON(t, c, res)

			// Huge inputs also arrive on stdin, which is held only up to
			// the limit and counted beyond it: the message has the real size.
			if c.Expect.BoundedAlloc {
				o := opts
				o.Stdin = strings.NewReader(tok)
				res, alloc := hostileRun(t, true, o, append(args, "-")...)
				checkHostileText(t, c, res)
				if alloc > hostile.MaxAlloc {
					t.Errorf("token verify - allocated %d MiB, limit %d MiB", alloc>>20, hostile.MaxAlloc>>20)
				}
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the attacker's jku/x5u server was asked %d times, want 0", n)
	}
}

func checkHostileNoCrash(t *testing.T, res clitest.Result, maxStdout int) {
	t.Helper()
	for _, s := range []string{res.Stdout, res.Stderr} {
		if strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") || strings.Contains(s, ".go:") {
			t.Fatalf("crash output:\nstdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
	}
	// Nothing echoes a huge token; attacker text is quoted, so no terminal
	// escapes or NULs reach the output.
	if len(res.Stdout) > maxStdout || len(res.Stderr) > 4<<10 {
		t.Errorf("output too large: %d bytes stdout, %d stderr", len(res.Stdout), len(res.Stderr))
	}
	if strings.ContainsAny(res.Stdout+res.Stderr, "\x1b\x00\r") {
		t.Errorf("raw control characters in the output:\n%q", res.Stdout)
	}
}

func checkHostileText(t *testing.T, c hostile.Case, res clitest.Result) {
	t.Helper()
	checkHostileNoCrash(t, res, 16<<10)
	e := c.Expect
	wantCode := 1
	if e.Valid {
		wantCode = 0
	}
	if res.Code != wantCode {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.Code, wantCode, res.Stdout, res.Stderr)
	}
	if res.Stderr != "" {
		t.Errorf("stderr: %q", res.Stderr)
	}
	var verdicts []string
	lines := strings.Split(strings.TrimRight(res.Stdout, "\n"), "\n")
	for _, l := range lines {
		if strings.Contains(l, "Valid ID token") || strings.Contains(l, "Invalid ID token") || strings.HasPrefix(l, "verdict") {
			verdicts = append(verdicts, l)
		}
	}
	if len(verdicts) != 1 || verdicts[0] != lines[len(lines)-1] {
		t.Fatalf("want exactly one verdict line, last; got %q in\n%s", verdicts, res.Stdout)
	}
	v := verdicts[0]
	if e.Valid {
		if !strings.Contains(v, "Valid ID token") || strings.Contains(v, "Invalid") {
			t.Errorf("verdict %q", v)
		}
		return
	}
	if !strings.Contains(v, "Invalid ID token ("+e.Reason+"): "+e.Check+": ") || !strings.Contains(v, e.Message) {
		t.Errorf("verdict %q: want reason %s, check %s and %q", v, e.Reason, e.Check, e.Message)
	}
}

func checkHostileJSON(t *testing.T, c hostile.Case, res clitest.Result) {
	t.Helper()
	checkHostileNoCrash(t, res, 16<<10)
	e := c.Expect
	var got struct {
		Valid  *bool   `json:"valid"`
		Reason string  `json:"reason"`
		Error  *string `json:"error"`
		Checks []struct {
			Name string `json:"name"`
			OK   bool   `json:"ok"`
		} `json:"checks"`
		Header json.RawMessage `json:"header"`
		Claims json.RawMessage `json:"claims"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil || got.Valid == nil {
		t.Fatalf("-o json: %v\n%s", err, res.Stdout)
	}
	if (res.Code == 0) != e.Valid || *got.Valid != e.Valid || got.Reason != e.Reason {
		t.Fatalf("-o json: exit %d valid=%v reason=%q, want valid=%v reason=%q", res.Code, *got.Valid, got.Reason, e.Valid, e.Reason)
	}
	if e.Valid {
		if got.Error != nil {
			t.Errorf("-o json: error %q on a valid token", *got.Error)
		}
		return
	}
	if got.Error == nil || !strings.HasPrefix(*got.Error, e.Check+": ") || !strings.Contains(*got.Error, e.Message) {
		t.Errorf("-o json: error %v, want %s: …%s…", got.Error, e.Check, e.Message)
	}
	failed := false
	for _, ch := range got.Checks {
		failed = failed || (ch.Name == e.Check && !ch.OK)
	}
	if !failed {
		t.Errorf("-o json: check %s not reported as failed: %+v", e.Check, got.Checks)
	}
}

// TestHostileTokensCLIBatch sends the cases that share a key set and policy
// through one `token verify --batch - -o json --summary-json`: each line
// gets its case's verdict and reason, and the summary adds up.
func TestHostileTokensCLIBatch(t *testing.T) {
	dir := filepath.Join(clitest.RepoRoot(t), "testdata", "hostile")
	m, err := hostile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostile.Case
	var input strings.Builder
	for _, c := range m.Cases {
		if c.JWKS != "jwks/one.json" || len(c.Policy.Algorithms) > 0 || c.Server {
			continue
		}
		tok, err := c.Materialize(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
		input.WriteString(tok + "\n")
	}
	c0 := cases[0]
	o := clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}, Stdin: strings.NewReader(input.String())}
	res, _ := hostileRun(t, false, o, "token", "verify", "--jwks", filepath.Join(dir, c0.JWKS),
		"--issuer", c0.Policy.Issuer, "--audience", c0.Policy.Audience, "--now", c0.Now,
		"--batch", "-", "-o", "json", "--summary-json", "--workers", "2")
	// About 1 KiB of JSON per token, never the 10 MiB line echoed.
	checkHostileNoCrash(t, res, 4<<10*len(cases))
	if res.Code != 1 || res.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", res.Code, res.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) != len(cases)+1 {
		t.Fatalf("%d output lines for %d tokens (+ summary)", len(lines), len(cases))
	}
	byReason := map[string]int{}
	for i, c := range cases {
		var got struct {
			Line   int    `json:"line"`
			Valid  bool   `json:"valid"`
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, lines[i])
		}
		if got.Line != i+1 || got.Valid != c.Expect.Valid || got.Reason != c.Expect.Reason {
			t.Errorf("%s: line %d valid=%v reason=%q, want line %d %v %q", c.Name, got.Line, got.Valid, got.Reason, i+1, c.Expect.Valid, c.Expect.Reason)
		}
		if !c.Expect.Valid {
			byReason[c.Expect.Reason]++
		}
	}
	var sum struct {
		Summary struct {
			Total    int            `json:"total"`
			Invalid  int            `json:"invalid"`
			ByReason map[string]int `json:"by_reason"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Summary.Total != len(cases) || len(sum.Summary.ByReason) != len(byReason) {
		t.Errorf("summary %+v, want total %d and by_reason %v", sum.Summary, len(cases), byReason)
	}
	for r, n := range byReason {
		if sum.Summary.ByReason[r] != n {
			t.Errorf("summary by_reason[%s] = %d, want %d", r, sum.Summary.ByReason[r], n)
		}
	}
}
