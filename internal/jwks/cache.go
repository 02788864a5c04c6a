package jwks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ciamctl/ciamctl/internal/redact"
)

// cacheMeta is stored beside the cached body. BodySHA256 ties the two files
// together: they are replaced one after the other, so a reader could see a
// new body with old metadata, and must then ignore both.
type cacheMeta struct {
	URL        string    `json:"url"`
	ETag       string    `json:"etag,omitempty"`
	FetchedAt  time.Time `json:"fetched_at"`
	MaxAge     int64     `json:"max_age_seconds"`
	BodySHA256 string    `json:"body_sha256"`
}

type cacheEntry struct {
	meta cacheMeta
	body []byte
}

// MaxCacheAge caps how long a cached set is trusted without asking the
// server, whatever its Cache-Control says, so a key the provider removed
// stops verifying within a day.
const MaxCacheAge = 24 * time.Hour

func (e *cacheEntry) fresh(now time.Time) bool {
	age := min(time.Duration(e.meta.MaxAge)*time.Second, MaxCacheAge)
	return e.meta.MaxAge > 0 && now.Before(e.meta.FetchedAt.Add(age))
}

// metaURL is the URL as recorded in the cache metadata and compared on
// read. The file names are a hash of the full URL, so this is the one
// place that redacts credentials and query values from what is stored.
func metaURL(url string) string { return redact.URL(url) }

// DefaultCacheDir is os.UserCacheDir()/ciamctl/jwks.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "ciamctl", "jwks"), nil
}

// cachePaths names the body and metadata files for a URL. Hashing the URL
// keeps arbitrary URLs (and any secrets in their query) out of file names.
func cachePaths(dir, url string) (body, meta string) {
	sum := sha256.Sum256([]byte(url))
	name := hex.EncodeToString(sum[:])
	return filepath.Join(dir, name+".json"), filepath.Join(dir, name+".meta.json")
}

func (f *Fetcher) readCache(dir, url string) *cacheEntry {
	bodyPath, metaPath := cachePaths(dir, url)
	mb, ok := f.readCacheFile(metaPath)
	if !ok {
		return nil
	}
	var meta cacheMeta
	if json.Unmarshal(mb, &meta) != nil || meta.URL != metaURL(url) {
		return nil
	}
	body, ok := f.readCacheFile(bodyPath)
	if !ok {
		return nil
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != meta.BodySHA256 {
		return nil
	}
	return &cacheEntry{meta: meta, body: body}
}

// writeCache stores body (when non-nil) and meta. Failures are ignored: the
// cache only saves requests, it never decides correctness. An existing
// entry file that is not safe to use is left alone (and was warned about).
func (f *Fetcher) writeCache(dir, url string, body []byte, meta cacheMeta) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	if f.safeCacheDir() != dir {
		return
	}
	bodyPath, metaPath := cachePaths(dir, url)
	if !f.replaceableCacheFile(bodyPath) || !f.replaceableCacheFile(metaPath) {
		return
	}
	if body != nil {
		if writeAtomic(bodyPath, body) != nil {
			return
		}
	}
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return
	}
	_ = writeAtomic(metaPath, append(mb, '\n'))
}

func removeCache(dir, url string) {
	bodyPath, metaPath := cachePaths(dir, url)
	_ = os.Remove(metaPath)
	_ = os.Remove(bodyPath)
}

// writeAtomic writes via a temp file in the same directory, fsyncs it and
// renames it into place, so concurrent ciamctl runs never read a torn file.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	for _, err := range []error{werr, serr, cerr} {
		if err != nil {
			_ = os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// cacheControl extracts what a private cache needs from Cache-Control.
type cacheControl struct {
	present bool
	noStore bool
	noCache bool
	maxAge  int64 // seconds; 0 = revalidate every time
}

func parseCacheControl(h http.Header) cacheControl {
	var cc cacheControl
	values := h.Values("Cache-Control")
	cc.present = len(values) > 0
	for _, v := range values {
		for _, d := range strings.Split(v, ",") {
			name, arg, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-store":
				cc.noStore = true
			case "no-cache":
				cc.noCache = true
			case "max-age":
				n, err := strconv.ParseInt(strings.Trim(arg, `"`), 10, 64)
				if err == nil && n > 0 {
					cc.maxAge = min(n, int64(MaxCacheAge/time.Second))
				}
			}
		}
	}
	if cc.noCache || cc.noStore {
		cc.maxAge = 0
	}
	// A response that already aged in a shared cache has less life left.
	if age, err := strconv.ParseInt(h.Get("Age"), 10, 64); err == nil && age > 0 {
		cc.maxAge = max(cc.maxAge-age, 0)
	}
	return cc
}
