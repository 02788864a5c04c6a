package atomicfile

import (
	"errors"
	"syscall"
)

// isUnsupported is true for filesystems that cannot fsync a directory.
func isUnsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EBADF)
}
