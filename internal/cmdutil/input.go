package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// ReadInputFile reads the FILE of a flag such as --claims or --key: with
// allowStdin, "-" is stdin. Either way at most safefile.MaxSize (1 MiB). A
// file may be a link (the user named it, as cat would read it) but must be
// a regular file: a FIFO, a device or a directory is a usage error naming
// the flag, the file and why, and is never opened in a way that could hang.
func (f *Factory) ReadInputFile(path, flag string, allowStdin bool) ([]byte, error) {
	if path == "-" && allowStdin {
		f.ListenForInterrupts()
		data, err := io.ReadAll(io.LimitReader(f.IOStreams.In, safefile.MaxSize+1))
		if err != nil {
			return nil, fmt.Errorf("%s -: reading stdin: %w", flag, err)
		}
		if len(data) > safefile.MaxSize {
			return nil, FlagErrorf("%s -: stdin is larger than 1 MiB", flag)
		}
		return data, nil
	}
	data, err := safefile.ReadFile(path, safefile.MaxSize)
	var skipped *safefile.SkipError
	switch {
	case errors.As(err, &skipped):
		return nil, FlagErrorf("%s %s", flag, skipped)
	case errors.Is(err, fs.ErrNotExist):
		return nil, FlagErrorf("%s %s: no such file", flag, path)
	case err != nil:
		return nil, workspace.IOError("read", path, err)
	}
	return data, nil
}
