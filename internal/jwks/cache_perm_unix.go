//go:build unix

package jwks

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// unsafeOwnerOrMode says why a cache file or directory could have been
// written by someone else: another owner, or group/world write permission.
func unsafeOwnerOrMode(fi fs.FileInfo, path string, isDir bool) (why, fix string) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Getuid(); int(st.Uid) != uid {
			return fmt.Sprintf("is owned by uid %d, not by you (uid %d)", st.Uid, uid),
				fmt.Sprintf("run chown %d %s, or remove it", uid, path)
		}
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		mode := "600"
		if isDir {
			mode = "700"
		}
		return fmt.Sprintf("is writable by group or others (mode %04o)", perm),
			fmt.Sprintf("run chmod %s %s", mode, path)
	}
	return "", ""
}

// openNoFollow opens path for reading without following a final symbolic
// link, and without blocking on a FIFO.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
