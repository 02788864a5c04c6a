package workspace

import (
	"errors"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/safefile"
)

// CheckFiles reads and checks brand files, including the rules that span
// files (one brand per file). A file that cannot be read safely (skipped:
// not a regular file, too large, a link out of its directory) or at all
// becomes an error of that file; nothing of its content is shown.
func CheckFiles(files []File) ([]brand.FileResult, error) {
	results := make([]brand.FileResult, 0, len(files))
	for _, f := range files {
		data, err := ReadBrandFile(f)
		var skipped *safefile.SkipError
		switch {
		case errors.As(err, &skipped):
			results = append(results, brand.UnreadableFile(f.Path, "skipped: "+skipped.Reason))
			continue
		case err != nil:
			results = append(results, brand.UnreadableFile(f.Path, "cannot read the file: "+unwrapPathError(err).Error()))
			continue
		}
		results = append(results, brand.CheckFile(f.Path, data))
	}
	brand.CrossCheck(results)
	return results, nil
}

// CheckAll checks every brand file of the workspace.
func (s *Store) CheckAll() ([]brand.FileResult, error) {
	files, err := s.Files()
	if err != nil {
		return nil, err
	}
	return CheckFiles(Listed(files))
}
