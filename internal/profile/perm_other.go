//go:build !unix

package profile

import (
	"io/fs"
	"os"
)

// unsafeOwnerOrMode is not checked outside Unix: Windows has no owner/mode
// bits to read through os.FileInfo, and the config directory (%AppData%) is
// private to the user by its ACL. Links, non-regular files and the size cap
// are still checked.
func unsafeOwnerOrMode(fs.FileInfo, string, fileKind) (why, fix string) { return "", "" }

func openNoFollow(path string) (*os.File, error) { return os.Open(path) }
