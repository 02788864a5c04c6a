//go:build unix

package profile

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// unsafeOwnerOrMode says why a config file or directory could have been
// written (or a secrets file read) by someone else, and the fix, as the
// JWKS cache checks its files (internal/jwks/cache_perm_unix.go).
func unsafeOwnerOrMode(fi fs.FileInfo, path string, kind fileKind) (why, fix string) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Getuid(); int(st.Uid) != uid {
			return fmt.Sprintf("is owned by uid %d, not by you (uid %d)", st.Uid, uid),
				fmt.Sprintf("run chown %d %s, or remove it", uid, path)
		}
	}
	perm := fi.Mode().Perm()
	switch kind {
	case modeSecret:
		if perm&0o077 != 0 {
			return fmt.Sprintf("holds secrets but is accessible by group or others (mode %04o)", perm),
				fmt.Sprintf("run chmod 600 %s (and consider the secrets in it exposed)", path)
		}
	case modeDir:
		if perm&0o022 != 0 {
			return fmt.Sprintf("is writable by group or others (mode %04o)", perm), fmt.Sprintf("run chmod 700 %s", path)
		}
	default:
		if perm&0o022 != 0 {
			return fmt.Sprintf("is writable by group or others (mode %04o)", perm), fmt.Sprintf("run chmod 600 %s", path)
		}
	}
	return "", ""
}

// openNoFollow opens path for reading without following a final symbolic
// link, and without blocking on a FIFO.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
