// Package workspace stores brand files in a directory. Every write is atomic
// and serialised across processes by a lock file, so concurrent ciamctl runs
// never lose or corrupt a brand.
package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ciamctl/ciamctl/internal/atomicfile"
	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/safefile"
)

// DefaultDir is used when neither --dir nor $CIAMCTL_DIR is set.
const DefaultDir = "brands"

// EnvDir names the environment variable that selects the workspace.
const EnvDir = "CIAMCTL_DIR"

var (
	// ErrNotFound: the brand has no file in the workspace.
	ErrNotFound = errors.New("brand not found")
	// ErrExists: the brand file exists and differs; --force overwrites it.
	ErrExists = errors.New("brand already exists")
	// ErrIO: the workspace cannot be read or written.
	ErrIO = errors.New("workspace I/O failure")
)

// Store is a workspace directory of <brand>.yaml files.
type Store struct {
	Dir string
}

// Resolve picks the workspace: --dir, else $CIAMCTL_DIR, else ./brands.
func Resolve(flagDir string, getenv func(string) string) *Store {
	switch {
	case flagDir != "":
		return &Store{Dir: flagDir}
	case getenv(EnvDir) != "":
		return &Store{Dir: getenv(EnvDir)}
	}
	return &Store{Dir: DefaultDir}
}

// Path is the file of a brand.
func (s *Store) Path(name string) string { return filepath.Join(s.Dir, name+".yaml") }

// IOError wraps a filesystem failure as ErrIO (exit 3), naming the operation
// and path once and keeping the cause ("permission denied").
func IOError(op, path string, err error) error {
	return fmt.Errorf("%s %s: %w: %w", op, path, unwrapPathError(err), ErrIO)
}

// unwrapPathError keeps the cause ("permission denied") without repeating the path.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Files lists the brand files of the workspace, sorted: every entry named
// like one, including those that will be skipped when read (a directory, a
// FIFO, a link out of the workspace), so that checks can say so. A missing
// workspace directory has no files.
func (s *Store) Files() ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, IOError("read workspace", s.Dir, err)
	}
	var files []string
	for _, e := range entries {
		if !IsBrandFile(e.Name()) {
			continue
		}
		files = append(files, filepath.Join(s.Dir, e.Name()))
	}
	sort.Strings(files)
	return files, nil
}

// Names lists the brands whose files can be read: entries that would be
// skipped are left out without a word (for completion).
func (s *Store) Names() ([]string, error) {
	files, err := s.Files()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for _, p := range files {
		if safefile.CheckIn(s.Dir, filepath.Base(p), safefile.MaxSize) == nil {
			names = append(names, NameOf(p))
		}
	}
	return names, nil
}

// NameOf is the brand name a file's name gives: acme.yaml holds acme.
func NameOf(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
}

// ReadBrandFile reads a brand file through safefile: a file found in the
// workspace (or a directory given to `config validate`) must be a regular
// file inside it, one named explicitly may be a link to one; at most 1 MiB.
func ReadBrandFile(f File) ([]byte, error) {
	if f.Listed {
		return safefile.ReadIn(filepath.Dir(f.Path), filepath.Base(f.Path), safefile.MaxSize)
	}
	return safefile.ReadFile(f.Path, safefile.MaxSize)
}

// File is a brand file to check. Listed is true when it was found by
// listing a directory, whose links must then stay inside it.
type File struct {
	Path   string
	Listed bool
}

// Listed marks paths found by listing a directory.
func Listed(paths []string) []File {
	files := make([]File, len(paths))
	for i, p := range paths {
		files[i] = File{Path: p, Listed: true}
	}
	return files
}

// IsBrandFile reports whether a directory entry looks like a brand file;
// hidden and temporary files are never brands.
func IsBrandFile(name string) bool {
	if strings.HasPrefix(name, ".") || atomicfile.IsTemp(name) {
		return false
	}
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// Load reads and checks one brand's file.
func (s *Store) Load(name string) (brand.FileResult, error) {
	if err := brand.ValidateName(name); err != nil {
		return brand.FileResult{}, fmt.Errorf("brand name: %w: %w", err, ErrNotFound)
	}
	path := s.Path(name)
	data, err := ReadBrandFile(File{Path: path, Listed: true})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return brand.FileResult{}, fmt.Errorf("brand %q: no file %s: %w", name, path, ErrNotFound)
	case errors.Is(err, safefile.ErrSkipped):
		return brand.FileResult{Path: path}, err
	case err != nil:
		return brand.FileResult{}, IOError("read", path, err)
	}
	return brand.CheckFile(path, data), nil
}

// Outcome says what a write did.
type Outcome int

const (
	Created Outcome = iota
	Replaced
	Unchanged
)

// Save writes a brand file. An identical existing file is left alone
// (Unchanged); a different one is replaced only with force.
func (s *Store) Save(ctx context.Context, name string, data []byte, force bool) (Outcome, error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return 0, IOError("create workspace", s.Dir, err)
	}
	return s.rewrite(ctx, name, func(old []byte, exists bool) ([]byte, error) {
		if exists && !force && !bytes.Equal(old, data) {
			return nil, fmt.Errorf("brand %q: %s exists with other values: %w", name, s.Path(name), ErrExists)
		}
		return data, nil
	})
}

// Put writes a brand's file from what fn makes of the current one (exists
// is false when there is none), under the lock, creating the workspace if
// needed.
func (s *Store) Put(ctx context.Context, name string, fn func(current []byte, exists bool) ([]byte, error)) (Outcome, error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return 0, IOError("create workspace", s.Dir, err)
	}
	return s.rewrite(ctx, name, fn)
}

// Update rewrites an existing brand through fn while holding the lock, so a
// concurrent writer cannot slip in between the read and the write.
func (s *Store) Update(ctx context.Context, name string, fn func(current []byte) ([]byte, error)) (Outcome, error) {
	return s.rewrite(ctx, name, func(old []byte, exists bool) ([]byte, error) {
		if !exists {
			return nil, fmt.Errorf("brand %q: no file %s: %w", name, s.Path(name), ErrNotFound)
		}
		return fn(old)
	})
}

// rewrite is the one read-decide-write sequence of the store, under the
// workspace lock.
func (s *Store) rewrite(ctx context.Context, name string, decide func(old []byte, exists bool) ([]byte, error)) (Outcome, error) {
	release, err := s.lock(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	s.removeStaleTemps()

	path := s.Path(name)
	old, err := ReadBrandFile(File{Path: path, Listed: true})
	exists := err == nil
	switch {
	case errors.Is(err, safefile.ErrSkipped):
		// Not replaced either: a FIFO or a link out of the workspace is
		// something to look at, not to write over.
		return 0, fmt.Errorf("%w; move it away first: %w", err, ErrIO)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return 0, IOError("read", path, err)
	}
	data, err := decide(old, exists)
	if err != nil {
		return 0, err
	}
	if exists && bytes.Equal(old, data) {
		return Unchanged, nil
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return 0, IOError("write", path, err)
	}
	if exists {
		return Replaced, nil
	}
	return Created, nil
}

// Remove deletes a brand's file.
func (s *Store) Remove(ctx context.Context, name string) error {
	if _, err := os.Stat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("brand %q: no workspace at %s: %w", name, s.Dir, ErrNotFound)
	}
	release, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer release()
	path := s.Path(name)
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("brand %q: no file %s: %w", name, path, ErrNotFound)
	}
	if err != nil {
		return IOError("remove", path, err)
	}
	return nil
}

// removeStaleTemps deletes temporary files left by a writer that was killed
// before its rename. Only called with the lock held: no live writer owns one.
func (s *Store) removeStaleTemps() {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if atomicfile.IsTemp(e.Name()) {
			os.Remove(filepath.Join(s.Dir, e.Name()))
		}
	}
}
