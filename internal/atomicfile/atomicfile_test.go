package atomicfile

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.yaml")
	if err := WriteFile(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(got) != "two" || st.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v", got, st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestWriteFileFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	// The target is a directory: rename fails after the temp file was written.
	target := filepath.Join(dir, "brand.yaml")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("new"), 0o644); err == nil {
		t.Fatal("want an error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary file not cleaned up: %v", entries)
	}
}

// A process killed (SIGKILL) after writing the new content but before the
// rename leaves the old file exactly as it was.
func TestKilledWriteLeavesOldFile(t *testing.T) {
	if os.Getenv("ATOMICFILE_HELPER") == "1" {
		beforeRename = func(string) {
			os.Stdout.WriteString("ready\n")
			select {} // wait to be killed
		}
		_ = WriteFile(os.Getenv("ATOMICFILE_TARGET"), []byte("NEW CONTENT, NEVER SEEN"), 0o644)
		os.Exit(0)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.yaml")
	old := []byte("brand: acme\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriteLeavesOldFile$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER=1", "ATOMICFILE_TARGET="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		cmd.Process.Kill()
		t.Fatalf("helper did not reach the rename: %q %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	got, _ := os.ReadFile(path)
	if string(got) != string(old) {
		t.Fatalf("old file changed: %q", got)
	}
	var temps int
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTemp(e.Name()) {
			temps++
		}
	}
	if temps != 1 {
		t.Fatalf("expected the killed writer's temp file to remain for cleanup, found %d", temps)
	}
}
