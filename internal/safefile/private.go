package safefile

import (
	"io/fs"
	"os"
)

// OpenChecked opens path for reading, without following a final symbolic
// link, once problem has accepted what Lstat says of it (problem returns
// nil for an acceptable file; it must refuse links). Should the name be
// replaced between the Lstat and the open, as another ciamctl process
// renaming a new version into place does, what was opened is put to problem
// instead: the file read is always a file checked, and a legitimate
// replacement is read rather than refused. Errors from Lstat, the open and
// problem come back as they are.
func OpenChecked(path string, problem func(fs.FileInfo) error) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := problem(fi); err != nil {
		return nil, err
	}
	f, err := OpenNoFollow(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !os.SameFile(fi, st) {
		err = problem(st)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
