package workspace

import (
	"os"

	"github.com/ciamctl/ciamctl/internal/brand"
)

// CheckFiles reads and checks brand files, including the rules that span
// files (one brand per file).
func CheckFiles(paths []string) ([]brand.FileResult, error) {
	results := make([]brand.FileResult, 0, len(paths))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, IOError("read", path, err)
		}
		results = append(results, brand.CheckFile(path, data))
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
	return CheckFiles(files)
}
