//go:build !windows

package safefile

import "syscall"

// oNonblock makes opening a FIFO return at once instead of waiting for a
// writer, should one be swapped in between the check and the open.
const oNonblock = syscall.O_NONBLOCK
