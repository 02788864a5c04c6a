package jwkscmd

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ciamctl/ciamctl/internal/atomicfile"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// setFile is the --set file of jwks add and remove.
type setFile struct {
	path   string // where to write: the file a link leads to
	doc    *jwks.SetDoc
	mode   os.FileMode
	exists bool
}

// openSetFile reads --set FILE as a JWK set; with create, a missing file
// is a new empty set.
func openSetFile(f *cmdutil.Factory, path string, create bool) (*setFile, error) {
	if path == "-" {
		return nil, cmdutil.FlagErrorf("--set takes a file: the set is read and written in place")
	}
	sf := &setFile{path: path, mode: 0o644}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		sf.doc = jwks.NewSetDoc()
		return sf, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, cmdutil.FlagErrorf("--set %s: no such file", path)
	case err != nil:
		return nil, workspace.IOError("read", path, err)
	}
	sf.exists, sf.mode = true, st.Mode().Perm()
	data, err := f.ReadInputFile(path, "--set", false)
	if err != nil {
		return nil, err
	}
	if sf.doc, err = jwks.ParseSetDoc(data); err != nil {
		msg := strings.TrimPrefix(err.Error(), jwks.ErrNotKeyFile.Error()+": ")
		return nil, cmdutil.WithHint(cmdutil.FlagErrorf("--set %s: %s", path, msg), `--set names a JWK set file {"keys": [...]}; it is created when missing`)
	}
	// Write through a link to the file it names, as an editor would.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		sf.path = real
	}
	return sf, nil
}

// save writes the set atomically: a failure leaves the old file as it was.
func (sf *setFile) save(shown string) error {
	data, err := sf.doc.Marshal()
	if err != nil {
		return cmdutil.Invalid(errors.New("--set " + shown + ": " + err.Error()))
	}
	if err := atomicfile.WriteFile(sf.path, data, sf.mode); err != nil {
		return workspace.IOError("write", shown, err)
	}
	return nil
}
