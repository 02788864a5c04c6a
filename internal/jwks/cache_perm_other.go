//go:build !unix

package jwks

import (
	"io/fs"
	"os"
)

// unsafeOwnerOrMode is not checked outside Unix: Windows has no owner/mode
// bits to read through os.FileInfo, and the default cache directory
// (%LocalAppData%) is private to the user by its ACL. Symbolic links, non-
// regular files and the size cap are still checked (cache_safety.go).
func unsafeOwnerOrMode(fs.FileInfo, string, bool) (why, fix string) { return "", "" }

func openNoFollow(path string) (*os.File, error) { return os.Open(path) }
