//go:build !unix

package safefile

import (
	"io/fs"
	"os"
)

// UnsafeOwnerOrMode is not checked outside Unix: Windows has no owner/mode
// bits to read through os.FileInfo, and the user's config and cache
// directories (%AppData%, %LocalAppData%) are private to the user by their
// ACLs. Links, non-regular files and size caps are still checked by callers.
func UnsafeOwnerOrMode(fs.FileInfo, string, Kind) (why, fix string) { return "", "" }

// OpenNoFollow opens path for reading.
func OpenNoFollow(path string) (*os.File, error) { return os.Open(path) }
