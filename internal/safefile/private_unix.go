//go:build unix

package safefile

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// UnsafeOwnerOrMode says why a file or directory that should be the user's
// own (the key cache, the credential profiles) could have been written, or
// a secret in it read, by someone else, and the fix; "" when it is safe. As
// ssh's StrictModes: another owner, or write permission for group or others
// (any permission at all for a Secret).
func UnsafeOwnerOrMode(fi fs.FileInfo, path string, kind Kind) (why, fix string) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Getuid(); int(st.Uid) != uid {
			return fmt.Sprintf("is owned by uid %d, not by you (uid %d)", st.Uid, uid),
				fmt.Sprintf("run chown %d %s, or remove it", uid, path)
		}
	}
	perm := fi.Mode().Perm()
	switch kind {
	case Secret:
		if perm&0o077 != 0 {
			return fmt.Sprintf("holds secrets but is accessible by group or others (mode %04o)", perm),
				fmt.Sprintf("run chmod 600 %s (and consider the secrets in it exposed)", path)
		}
	case Dir:
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

// OpenNoFollow opens path for reading without following a final symbolic
// link, and without blocking on a FIFO.
func OpenNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
