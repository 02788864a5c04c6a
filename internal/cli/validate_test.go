package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// Every invalid example fails with its own file:line:col message and exit 1.
func TestValidateInvalidExamples(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	files, err := filepath.Glob("testdata/brands/invalid/*.yaml")
	if err != nil || len(files) < 30 {
		t.Fatalf("expected the invalid examples, got %d (%v)", len(files), err)
	}
	located := regexp.MustCompile(`^testdata/brands/invalid/[a-z0-9-]+\.yaml:\d+:\d+: error: `)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			res := clitest.Run(t, clitest.Opts{}, "config", "validate", file)
			if res.Code != 1 {
				t.Fatalf("exit %d, want 1; stderr: %s", res.Code, res.Stderr)
			}
			first := strings.SplitN(res.Stdout, "\n", 2)[0]
			if !located.MatchString(first) {
				t.Errorf("first line %q lacks file:line:col: error:", first)
			}
			clitest.Golden(t, "validate/invalid/"+name+".txt", res.Stdout)
		})
	}
}

func TestValidateValidExamples(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	res := clitest.Run(t, clitest.Opts{}, "config", "validate", "testdata/brands/valid")
	if res.Code != 0 {
		t.Fatalf("exit %d, want 0: %s%s", res.Code, res.Stdout, res.Stderr)
	}
	clitest.Golden(t, "validate/valid.txt", res.Stdout)
}

func TestValidateFormats(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	paths := []string{"testdata/brands/valid/warnings.yaml", "testdata/brands/invalid/alg-none.yaml", "testdata/brands/invalid/url-fragment.yaml"}

	gh := clitest.Run(t, clitest.Opts{}, append([]string{"config", "validate", "--format", "github"}, paths...)...)
	if gh.Code != 1 {
		t.Fatalf("github: exit %d", gh.Code)
	}
	for _, line := range strings.Split(strings.TrimSpace(gh.Stdout), "\n") {
		if !regexp.MustCompile(`^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[^:]+::\S`).MatchString(line) {
			t.Errorf("not a workflow command: %q", line)
		}
	}
	clitest.Golden(t, "validate/github.txt", gh.Stdout)

	js := clitest.Run(t, clitest.Opts{}, append([]string{"config", "validate", "-o", "json"}, paths...)...)
	var rep struct {
		Valid    *bool `json:"valid"`
		Problems []struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(js.Stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, js.Stdout)
	}
	if js.Code != 1 || rep.Valid == nil || *rep.Valid || len(rep.Problems) == 0 {
		t.Fatalf("json report: exit %d %+v", js.Code, rep)
	}
	for _, p := range rep.Problems {
		if p.File == "" || p.Line < 1 || p.Column < 1 || (p.Severity != "error" && p.Severity != "warning") || p.Message == "" {
			t.Errorf("incomplete problem %+v", p)
		}
	}
	clitest.Golden(t, "validate/report.json", js.Stdout)

	ok := clitest.Run(t, clitest.Opts{}, "config", "validate", "--format", "json", "testdata/brands/valid/acme.yaml")
	if ok.Code != 0 || !strings.Contains(ok.Stdout, `"problems": []`) {
		t.Errorf("valid json: exit %d, %s", ok.Code, ok.Stdout)
	}
}

func TestValidateStrictFailsOnWarnings(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	res := clitest.Run(t, clitest.Opts{}, "config", "validate", "testdata/brands/valid/warnings.yaml")
	if res.Code != 0 {
		t.Fatalf("warnings alone: exit %d", res.Code)
	}
	strict := clitest.Run(t, clitest.Opts{}, "config", "validate", "--strict", "testdata/brands/valid/warnings.yaml")
	if strict.Code != 1 {
		t.Fatalf("--strict: exit %d, want 1", strict.Code)
	}
}

func TestValidateDuplicateBrandAcrossFiles(t *testing.T) {
	t.Chdir(clitest.RepoRoot(t))
	res := clitest.Run(t, clitest.Opts{}, "config", "validate", "testdata/brands/duplicate")
	if res.Code != 1 {
		t.Fatalf("exit %d, want 1", res.Code)
	}
	clitest.Golden(t, "validate/duplicate.txt", res.Stdout)
}

func TestValidateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"missing path":    {"config", "validate", filepath.Join(dir, "nope.yaml")},
		"empty workspace": {"config", "validate", "--dir", dir},
		"bad format":      {"config", "validate", "--format", "xml", dir},
		"bad -o":          {"config", "validate", "-o", "xml"},
	} {
		t.Run(name, func(t *testing.T) {
			res := clitest.Run(t, clitest.Opts{}, args...)
			if res.Code != 2 {
				t.Fatalf("exit %d, want 2: %s", res.Code, res.Stderr)
			}
			if !strings.HasPrefix(res.Stderr, "error: ") || res.Stdout != "" {
				t.Errorf("want one error line on stderr and nothing on stdout, got %q / %q", res.Stdout, res.Stderr)
			}
		})
	}
}

func TestValidateUnreadableIsIOError(t *testing.T) {
	dir := t.TempDir()
	// A symlink loop cannot be read, even by root (tests may run as root,
	// where permission bits do not stop reads).
	if err := os.Symlink("x.yaml", filepath.Join(dir, "x.yaml")); err != nil {
		t.Fatal(err)
	}
	res := clitest.Run(t, clitest.Opts{}, "config", "validate", filepath.Join(dir, "x.yaml"))
	if res.Code != 3 {
		t.Fatalf("exit %d, want 3: %s", res.Code, res.Stderr)
	}
}
