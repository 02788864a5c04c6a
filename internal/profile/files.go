package profile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ciamctl/ciamctl/internal/atomicfile"
	"github.com/ciamctl/ciamctl/internal/safefile"
)

// The files under the config directory.
const (
	// ConfigFile holds the profiles without their secrets.
	ConfigFile = "profiles.yaml"
	// SecretsFile holds secrets only where no OS keychain is available.
	SecretsFile = "credentials.yaml"
)

// maxFileSize caps what is read from either file.
const maxFileSize = 1 << 20

// ErrUnsafe marks a config directory or file that someone other than the
// user could have written (or, for the secrets file, read). Like ssh with
// its keys (StrictModes), ciamctl then neither reads nor writes it.
var ErrUnsafe = errors.New("unsafe credentials file")

// UnsafeError names the path, what is wrong with it and the fix.
type UnsafeError struct{ Path, Why, Fix string }

func (e *UnsafeError) Error() string {
	return fmt.Sprintf("%s %s; ciamctl will not use it: %s", e.Path, e.Why, e.Fix)
}
func (e *UnsafeError) Is(target error) bool { return target == ErrUnsafe }

// ErrIO marks a config file that could not be read or written.
var ErrIO = errors.New("credentials file I/O")

type ioError struct {
	op, path string
	err      error
}

func (e *ioError) Error() string        { return fmt.Sprintf("%s %s: %v", e.op, e.path, e.err) }
func (e *ioError) Unwrap() error        { return e.err }
func (e *ioError) Is(target error) bool { return target == ErrIO }

// checkDir accepts the config directory if it is missing (it is created
// 0700 on write) or owned by the user and not writable by others.
func checkDir(dir string) error {
	fi, err := os.Stat(dir) // a symlinked ~/.config is the user's own choice
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return &ioError{"read", dir, err}
	case !fi.IsDir():
		return &UnsafeError{dir, "is not a directory", "remove it, or set CIAMCTL_CONFIG_DIR"}
	}
	if why, fix := safefile.UnsafeOwnerOrMode(fi, dir, safefile.Dir); why != "" {
		return &UnsafeError{dir, why, fix}
	}
	return nil
}

// readPrivate reads one of the two files: a regular file (not a link),
// owned by the user, with the mode its kind allows. A missing file is
// (nil, nil). Another ciamctl process may replace the file meanwhile (every
// write is an atomic rename): the version read is then the new one, checked
// the same way.
func readPrivate(path string, kind safefile.Kind) ([]byte, error) {
	f, err := safefile.OpenChecked(path, func(fi fs.FileInfo) error { return privateFileProblem(fi, path, kind) })
	var unsafe *UnsafeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.As(err, &unsafe):
		return nil, err
	case err != nil:
		return nil, &ioError{"read", path, err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &ioError{"read", path, err}
	}
	return data, nil
}

// privateFileProblem is what makes fi, one of the two files, unfit to read;
// nil when nothing does.
func privateFileProblem(fi fs.FileInfo, path string, kind safefile.Kind) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &UnsafeError{path, "is a symbolic link", "replace it with the file it points to"}
	case !fi.Mode().IsRegular():
		return &UnsafeError{path, "is not a regular file", "remove it"}
	case fi.Size() > maxFileSize:
		return &UnsafeError{path, "is larger than 1 MiB", "remove it"}
	}
	if why, fix := safefile.UnsafeOwnerOrMode(fi, path, kind); why != "" {
		return &UnsafeError{path, why, fix}
	}
	return nil
}

// writePrivate replaces path atomically with a 0600 file, creating the
// directory 0700 when it is missing. An existing directory must pass
// checkDir.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := checkDir(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &ioError{"create", dir, err}
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return &ioError{"write", path, err}
	}
	return nil
}

// removePrivate removes path; a missing file is not an error.
func removePrivate(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &ioError{"remove", path, err}
	}
	return nil
}
