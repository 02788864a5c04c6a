package jwks

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/ciamctl/ciamctl/internal/safefile"
)

// The disk cache decides which keys verify tokens, so it is used only when
// nobody else could have written it, as ssh (StrictModes) treats its files:
// the directory and each file owned by the current user and not writable by
// group or others, files regular (not symbolic links) and at most MaxBytes.
// An unsafe cache is neither read nor written; the set is fetched instead,
// with one warning naming the path, the reason and the fix. The owner and
// mode checks are Unix-only (safefile.UnsafeOwnerOrMode); on Windows the cache lives
// in the user's profile, whose ACLs already keep other users out.

func (f *Fetcher) warn(msg string) {
	if f.Warn == nil {
		return
	}
	if _, dup := f.warned.LoadOrStore(msg, true); !dup {
		f.warnMu.Lock()
		defer f.warnMu.Unlock()
		f.Warn(msg)
	}
}

// safeCacheDir is the cache directory when it may be used, else "". A
// directory that does not exist yet is fine: writeCache creates it 0700.
func (f *Fetcher) safeCacheDir() string {
	dir := f.cacheDir()
	if dir == "" {
		return ""
	}
	fi, err := os.Stat(dir) // a symlinked ~/.cache is the user's own choice
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return dir
	case err != nil:
		return ""
	case !fi.IsDir():
		f.warn(fmt.Sprintf("ignoring the key cache %s: it is not a directory; remove it or set CIAMCTL_CACHE_DIR", dir))
		return ""
	}
	if why, fix := safefile.UnsafeOwnerOrMode(fi, dir, safefile.Dir); why != "" {
		f.warn(fmt.Sprintf("ignoring the key cache %s: the directory %s; %s", dir, why, fix))
		return ""
	}
	return dir
}

// cacheFileProblem says why the file described by fi (from Lstat, or from
// the open file when the name was replaced meanwhile) must not be trusted,
// and what to do about it; "" when it is safe.
func cacheFileProblem(fi fs.FileInfo, path string) (why, fix string) {
	rm := "remove it (rm " + path + "); ciamctl fetches the key set again"
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return "is a symbolic link", rm
	case !fi.Mode().IsRegular():
		return "is not a regular file", rm
	case fi.Size() > MaxBytes:
		return "is larger than 1 MiB", rm
	}
	if why, _ := safefile.UnsafeOwnerOrMode(fi, path, safefile.File); why != "" {
		return why, rm
	}
	return "", ""
}

// readCacheFile reads one cache file if it is safe; a missing file is a
// silent miss, an unsafe one a warned miss.
func (f *Fetcher) readCacheFile(path string) ([]byte, bool) {
	// Another ciamctl process may rename a fresher copy into place between
	// the checks and the open; OpenChecked then checks (and warns about)
	// the copy opened.
	file, err := safefile.OpenChecked(path, func(fi fs.FileInfo) error {
		if why, fix := cacheFileProblem(fi, path); why != "" {
			f.warn(fmt.Sprintf("ignoring the key cache file %s: it %s; %s", path, why, fix))
			return fs.ErrPermission // any error: the file is a miss
		}
		return nil
	})
	if err != nil {
		return nil, false
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxBytes+1))
	if err != nil || len(data) > MaxBytes {
		return nil, false
	}
	return data, true
}

// replaceableCacheFile reports whether path may be (re)written: it does
// not exist, or it is a file this user could have read from the cache.
func (f *Fetcher) replaceableCacheFile(path string) bool {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	if why, fix := cacheFileProblem(fi, path); why != "" {
		f.warn(fmt.Sprintf("ignoring the key cache file %s: it %s; %s", path, why, fix))
		return false
	}
	return true
}
