package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

// The pre-flight of a user base: testdata/preflight/profiles.jsonl has an
// email held by four users in different cases and Unicode spellings, a
// mobile written five national ways by four users, Indian and US numbers
// that normalise to one, a sub on two lines, and every kind of bad line.
func TestMappingDryRunBatchClaims(t *testing.T) {
	root := clitest.RepoRoot(t)
	ws := filepath.Join(root, "testdata", "brands", "valid")
	input := filepath.Join(root, "testdata", "preflight", "profiles.jsonl")
	base := []string{"mapping", "dry-run", "--dir", ws, "--brand", "acme", "--batch"}

	text := clitest.Run(t, clitest.Opts{}, append(base, input)...)
	expectCode(t, text, 1)
	clitest.Golden(t, "mapping/batch.txt", text.Stdout)
	clitest.Golden(t, "mapping/batch-summary.txt", text.Stderr)

	js := clitest.Run(t, clitest.Opts{}, append(base, input, "-o", "json", "--summary-json")...)
	expectCode(t, js, 1)
	if js.Stderr != "" {
		t.Errorf("stderr with --summary-json: %q", js.Stderr)
	}
	clitest.Golden(t, "mapping/batch.jsonl", js.Stdout)
	lines := strings.Split(strings.TrimSuffix(js.Stdout, "\n"), "\n")
	var last struct {
		Summary struct {
			Total, OK, Failed int
			Collisions        map[string]struct{ Identifiers, Profiles int }
		}
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Summary.Total != 20 || last.Summary.OK != 14 ||
		last.Summary.Collisions["email"].Profiles != 4 || last.Summary.Collisions["mobile"].Identifiers != 3 || last.Summary.Collisions["cuid"].Identifiers != 1 {
		t.Errorf("summary object: %v %+v", err, last)
	}
	for _, l := range lines[:len(lines)-1] {
		var r struct {
			Line *int            `json:"line"`
			OK   *bool           `json:"ok"`
			Prof json.RawMessage `json:"profile"`
			Prob json.RawMessage `json:"problems"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Line == nil || r.OK == nil || r.Prof == nil || r.Prob == nil {
			t.Errorf("result line %q: %v", l, err)
		}
	}

	// stdin gives the same; so does a budget of 4 KiB, which spills the
	// index to disk (under TMPDIR, and nothing is left there after).
	data, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	stdin := clitest.Run(t, clitest.Opts{Stdin: strings.NewReader(string(data))}, append(base, "-", "-o", "json", "--summary-json")...)
	if stdin.Stdout != js.Stdout {
		t.Errorf("stdin differs from the file:\n%s", stdin.Stdout)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	small := clitest.Run(t, clitest.Opts{}, append(base, input, "-o", "json", "--summary-json", "--max-memory", "4KiB", "--workers", "1")...)
	if small.Stdout != js.Stdout {
		t.Errorf("--max-memory 4KiB differs:\n%s", small.Stdout)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

// Thousands of profiles through a 4 KiB index: it spills (and says so), the
// collisions are those found in memory, and the spill files are gone.
func TestMappingDryRunBatchSpill(t *testing.T) {
	ws := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "valid")
	var in strings.Builder
	for i := range 3000 {
		// Three users per email, five per mobile.
		fmt.Fprintf(&in, `{"sub":"u-%d","contact":{"email":"E%d@Example.com"},"https://acme.example/claims/mobile":"+44 7700 %06d"}`+"\n", i, i/3, i/5)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	run := func(extra ...string) clitest.Result {
		return clitest.Run(t, clitest.Opts{Stdin: strings.NewReader(in.String())},
			append([]string{"mapping", "dry-run", "--dir", ws, "--brand", "acme", "--batch", "-", "-o", "json"}, extra...)...)
	}
	inMemory, spilled := run(), run("--max-memory", "4k")
	expectCode(t, spilled, 1)
	if !strings.Contains(spilled.Stderr, "the collision index outgrew --max-memory: 9000 identifiers went through sorted runs on disk") {
		t.Errorf("no spill reported:\n%s", spilled.Stderr)
	}
	if strings.Contains(inMemory.Stderr, "outgrew") {
		t.Errorf("the default budget spilled:\n%s", inMemory.Stderr)
	}
	if !strings.Contains(spilled.Stderr, "merge: 1000 emails shared by 3000 users") {
		t.Errorf("email collisions:\n%s", spilled.Stderr)
	}
	strip := func(s string) string { return s[:strings.Index(s, "  (the collision index")] }
	if strip(spilled.Stderr) != inMemory.Stderr || spilled.Stdout != inMemory.Stdout {
		t.Errorf("spilled summary differs:\n%s\nin memory:\n%s", spilled.Stderr, inMemory.Stderr)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

// ID tokens, verified with the brand's policy: carol (added to the CIAM)
// has bob's email in capitals and his mobile written another way, a
// tampered token fails, a line that is no token fails; with --no-verify the
// tampered token maps.
func TestMappingDryRunBatchTokens(t *testing.T) {
	p := newPlatform(t)
	p.link()
	p.ciam.AddUser(ciamemu.User{Username: "carol", Password: "password", GivenName: "Carol", FamilyName: "Brown",
		Email: "BOB@example.com", PhoneNumber: "+1 202.555.0102"})
	alice, bob, carol := p.token("alice"), p.token("bob"), p.token("carol")
	dot := strings.LastIndexByte(alice, '.')
	tampered := alice[:dot+1] + strings.Repeat("A", len(alice)-dot-1)
	input := strings.Join([]string{alice, bob, "# tokens from the sandbox", carol, tampered, "not-a-token", alice}, "\n") + "\n"

	res := p.runStdin(input, "mapping", "dry-run", "--brand", "acme", "--batch", "-", "--tokens", "-o", "json", "--summary-json")
	expectCode(t, res, 1)
	clitest.Golden(t, "mapping/batch-tokens.jsonl", p.normalize(res.Stdout))

	text := p.runStdin(input, "mapping", "dry-run", "--brand", "acme", "--batch", "-", "--tokens")
	expectCode(t, text, 1)
	clitest.Golden(t, "mapping/batch-tokens.txt", p.normalize(text.Stdout+"--- stderr\n"+text.Stderr))

	noVerify := p.runStdin(tampered+"\n", "mapping", "dry-run", "--brand", "acme", "--batch", "-", "--tokens", "--no-verify", "-o", "json")
	expectCode(t, noVerify, 0)
	if !strings.Contains(noVerify.Stdout, `"ok":true`) || !strings.Contains(noVerify.Stderr, "1 token: 1 can be created, 0 cannot") {
		t.Errorf("--no-verify:\n%s\n%s", noVerify.Stdout, noVerify.Stderr)
	}

	// No key set, no batch: exit 3 before any line.
	p.writeBrand("down", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: down", 1),
		"jwksUri: $ISSUER/.well-known/jwks.json", "jwksUri: http://127.0.0.1:1/jwks.json", 1))
	down := p.runStdin(input, "mapping", "dry-run", "--brand", "down", "--batch", "-", "--tokens", "-o", "json")
	expectCode(t, down, 3)
	if down.Stdout != "" || !strings.Contains(down.Stderr, "hint:") {
		t.Errorf("unreachable key set:\n%s\n%s", down.Stdout, down.Stderr)
	}
}

func TestMappingDryRunBatchUsage(t *testing.T) {
	root := clitest.RepoRoot(t)
	ws := filepath.Join(root, "testdata", "brands", "valid")
	input := filepath.Join(root, "testdata", "preflight", "profiles.jsonl")
	base := []string{"mapping", "dry-run", "--dir", ws, "--brand", "acme"}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--tokens", "tok"}, "--tokens only applies with --batch FILE"},
		{[]string{"--summary-json", "--claims", input}, "--summary-json only applies with --batch FILE"},
		{[]string{"--max-memory", "1G", "tok"}, "--max-memory only applies with --batch FILE"},
		{[]string{"--batch", input, "tok"}, "do not also pass a token argument"},
		{[]string{"--batch", input, "--claims", input}, "not both"},
		{[]string{"--batch", input, "-o", "yaml"}, "use -o json or -o text"},
		{[]string{"--batch", input, "--max-memory", "1k"}, "--max-memory: 1k is too small; at least 4 KiB"},
		{[]string{"--batch", input, "--max-memory", "lots"}, `--max-memory: "lots" is not a size`},
		{[]string{"--batch", input, "--max-memory", "5 parsecs"}, `unknown unit "parsecs"`},
		{[]string{"--batch", input, "--workers", "-1"}, "--workers: -1 is out of range"},
		{[]string{"--batch", filepath.Join(t.TempDir(), "none.jsonl")}, "none.jsonl: no such file"},
		{[]string{"--batch", root}, "pass a file with one claims object (JSON) per line"},
	} {
		res := clitest.Run(t, clitest.Opts{}, append(base, c.args...)...)
		if res.Code != 2 || !strings.Contains(res.Stderr, c.msg) || res.Stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, res.Code, res.Stderr, c.msg)
		}
	}
}

// Ctrl-C in the middle of a batch that has spilled: the process stops,
// says so, and leaves nothing in TMPDIR.
func TestMappingDryRunBatchInterruptRemovesSpillFiles(t *testing.T) {
	ws := filepath.Join(clitest.RepoRoot(t), "testdata", "brands", "valid")
	tmp := t.TempDir()
	cmd := ciamctl("mapping", "dry-run", "--dir", ws, "--brand", "acme", "--batch", "-", "--max-memory", "4k", "-o", "json")
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Feed profiles until the spill directory appears, then interrupt.
	spilled := false
	for i := 0; i < 200000 && !spilled; i++ {
		fmt.Fprintf(stdin, `{"sub":"u-%d","contact":{"email":"e%d@example.com"}}`+"\n", i, i)
		if i%500 == 0 {
			entries, _ := os.ReadDir(tmp)
			spilled = len(entries) > 0
		}
	}
	if !spilled {
		t.Fatal("the index never spilled")
	}
	// stdin stays open: by now the batch waits for more input, as it
	// would on a terminal or a quiet pipe, and Ctrl-C must still end it.
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the batch did not stop on SIGINT")
	}
	stdin.Close()
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 130 and interrupted", code, stderr.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in TMPDIR after Ctrl-C: %v", left)
	}
}
