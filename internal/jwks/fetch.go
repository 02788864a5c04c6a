package jwks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/safefile"
)

// MaxBytes caps a JWKS document, fetched or read from disk.
const MaxBytes = httpget.MaxBody

// DefaultTimeout applies when Fetcher.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Fetcher loads key sets from URLs (with a disk cache honouring
// Cache-Control max-age and ETag) or from files. The zero value is usable;
// it is safe for concurrent use.
type Fetcher struct {
	Client  *http.Client  // nil: http.DefaultClient (never modified)
	Timeout time.Duration // per load when Budget is nil; 0: DefaultTimeout
	// Budget, when set, bounds every fetch instead: loads, retries and the
	// refetch of an unknown kid all draw on it (a command's --timeout).
	Budget   *deadline.Budget
	Now      func() time.Time // nil: time.Now
	CacheDir string           // "": DefaultCacheDir(); caching is skipped if that fails
	NoCache  bool             // neither read nor write the disk cache
	// Retry is the retry policy for fetches (5xx, 429, dropped connections);
	// nil: httpget.DefaultPolicy. Every retry happens within Timeout.
	Retry *httpget.Policy
	// Warn receives a one-line warning about something that does not stop
	// the load, such as an unsafe cache being ignored; nil: discarded.
	Warn func(msg string)

	warned sync.Map   // warnings already given, so each is given once
	warnMu sync.Mutex // Warn is called by one goroutine at a time
}

// Load returns the set at location, an http(s) URL or a file path, from the
// cache when it is fresh. Errors wrap ErrUnavailable. When the set parses but
// has no usable key, Load returns it together with an error wrapping
// ErrNoUsableKeys, so `jwks inspect` can still show why.
func (f *Fetcher) Load(ctx context.Context, location string) (*Set, error) {
	return f.load(ctx, location, false)
}

// Refresh is Load without trusting max-age: it always asks the server (with
// If-None-Match, so an unchanged set costs a 304) or re-reads the file. The
// verifier calls it when a token names a kid the set does not have.
func (f *Fetcher) Refresh(ctx context.Context, location string) (*Set, error) {
	return f.load(ctx, location, true)
}

func (f *Fetcher) load(ctx context.Context, location string, force bool) (*Set, error) {
	kind, err := classify(location)
	if err != nil {
		return nil, &LoadError{Location: redact.URL(location), Cause: err.Error(), Err: errors.Join(ErrBadLocation, err)}
	}
	if kind == "file" {
		return f.loadFile(location)
	}
	what := "fetching the key set"
	if force {
		what = "refetching the key set"
	}
	var done func()
	if f.Budget != nil {
		// The command's one budget: a refetch gets what the first load left.
		if ctx, done, err = f.Budget.Start(ctx, what); err != nil {
			return nil, &LoadError{Location: redact.URL(location), Cause: err.Error(), Err: err}
		}
	} else {
		timeout := f.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		ctx, done = deadline.With(ctx, timeout, "after") // "timed out (after 10s)"
	}
	defer done()
	set, err := f.loadURL(ctx, location, force)
	var le *LoadError
	var exceeded *deadline.ExceededError
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.Is(err, context.DeadlineExceeded) &&
		errors.As(err, &le) && !errors.As(err, &exceeded) {
		// Say which limit ran out, e.g. "(--timeout 2s)"; a caller's own
		// earlier deadline is the caller's to explain.
		if name, ok := deadline.Named(ctx); ok {
			le.Cause += " (" + name + ")"
		}
	}
	return set, err
}

// classify accepts http(s) URLs and plain paths. Anything else with a scheme
// (ftp://, file://, data:…) is refused rather than guessed at.
func classify(location string) (string, error) {
	if location == "" {
		return "", errors.New("empty location")
	}
	scheme, _, hasScheme := strings.Cut(location, "://")
	if !hasScheme {
		return "file", nil
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		if _, err := httpget.CheckURL(location); err != nil {
			return "", err
		}
		return "url", nil
	}
	return "", fmt.Errorf("unsupported scheme %q: use an http(s) URL or a plain file path", scheme)
}

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Fetcher) cacheDir() string {
	if f.NoCache {
		return ""
	}
	if f.CacheDir != "" {
		return f.CacheDir
	}
	dir, err := DefaultCacheDir()
	if err != nil {
		return ""
	}
	return dir
}

// loadFile reads a key set file through safefile: a link is followed (the
// user named the file) but it must be a regular file of at most MaxBytes,
// so a FIFO or /dev/zero is refused at once instead of hanging or filling
// memory.
func (f *Fetcher) loadFile(path string) (*Set, error) {
	data, err := safefile.ReadFile(path, MaxBytes)
	var skipped *safefile.SkipError
	switch {
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, &LoadError{Location: path, Cause: "file too large (over 1 MiB)", Err: httpget.ErrTooLarge}
	case errors.As(err, &skipped):
		return nil, &LoadError{Location: path, Cause: skipped.Reason, Err: err}
	case err != nil:
		return nil, &LoadError{Location: path, Cause: describeFileErr(err), Err: err}
	}
	return f.parseFile(path, data)
}

// parseFile reads a key set file in any format DecodeKeyFile knows: a JWK
// set as it is (a private key in a set is a leak, as if published), a
// single JWK, PEM or DER as a set of their public halves. A private key is
// reduced to its public half with a warning, as step does with a private
// key given to verify with.
func (f *Fetcher) parseFile(path string, data []byte) (*Set, error) {
	kf, err := DecodeKeyFile(data)
	if err != nil {
		if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
			return f.parse(path, data) // JSON: the set parser says what is wrong
		}
		return nil, &LoadError{Location: path, Cause: "not a JWK set, a JWK or a PEM or DER key: " + strings.TrimPrefix(err.Error(), ErrNotKeyFile.Error()+": "), Err: errors.Join(ErrNotJWKS, err)}
	}
	doc, reduced, err := kf.PublicSet(data)
	if err != nil {
		return nil, &LoadError{Location: path, Cause: err.Error(), Err: errors.Join(ErrNotJWKS, err)}
	}
	if reduced {
		f.warn(path + " holds a private key: only its public half is used (write it with `ciamctl keys public " + path + "` and keep the private key apart)")
	}
	return f.parse(path, doc)
}

func describeFileErr(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (f *Fetcher) loadURL(ctx context.Context, url string, force bool) (*Set, error) {
	// Errors and cache metadata name the URL with its credentials and query
	// values hidden; only the request itself carries the URL as given.
	shown := redact.URL(url)
	dir := f.safeCacheDir()
	var cached *cacheEntry
	if dir != "" {
		cached = f.readCache(dir, url)
	}
	if cached != nil && !force && cached.fresh(f.now()) {
		if set, err := f.parse(shown, cached.body); err == nil || errors.Is(err, ErrNoUsableKeys) {
			return set, err
		}
		cached = nil // a corrupt cache entry is just a miss
	}

	hdr := http.Header{}
	hdr.Set("Accept", "application/jwk-set+json, application/json")
	if cached != nil && cached.meta.ETag != "" {
		hdr.Set("If-None-Match", cached.meta.ETag)
	}
	policy := httpget.DefaultPolicy
	if f.Retry != nil {
		policy = *f.Retry
	}
	resp, err := policy.Get(ctx, f.Client, url, hdr, MaxBytes)
	if err != nil {
		return nil, &LoadError{Location: shown, Cause: err.Error(), Err: err}
	}
	fetchedAt := f.now()
	cc := parseCacheControl(resp.Header)

	if resp.StatusCode == http.StatusNotModified {
		if cached == nil || cached.meta.ETag == "" {
			return nil, &LoadError{Location: shown, Cause: "unexpected 304 Not Modified without a cached copy"}
		}
		meta := cached.meta
		meta.FetchedAt = fetchedAt
		if cc.present {
			meta.MaxAge = cc.maxAge
		}
		if etag := resp.Header.Get("ETag"); etag != "" {
			meta.ETag = etag
		}
		if cc.noStore {
			removeCache(dir, url)
		} else {
			f.writeCache(dir, url, nil, meta)
		}
		return f.parse(shown, cached.body)
	}

	set, perr := f.parse(shown, resp.Body)
	if perr != nil && !errors.Is(perr, ErrNoUsableKeys) {
		return nil, perr
	}
	if dir != "" {
		if cc.noStore {
			removeCache(dir, url)
		} else {
			sum := sha256.Sum256(resp.Body)
			f.writeCache(dir, url, resp.Body, cacheMeta{
				URL:        metaURL(url),
				ETag:       resp.Header.Get("ETag"),
				FetchedAt:  fetchedAt,
				MaxAge:     cc.maxAge,
				BodySHA256: hex.EncodeToString(sum[:]),
			})
		}
	}
	return set, perr
}

func (f *Fetcher) parse(location string, data []byte) (*Set, error) {
	set, err := ParseAt(data, f.now())
	if err != nil {
		return nil, &LoadError{Location: location, Cause: "not a valid JWKS: " + err.Error(), Err: errors.Join(ErrNotJWKS, err)}
	}
	if len(set.Usable()) == 0 {
		return set, &LoadError{Location: location, Cause: "no usable signing keys (see jwks inspect)", Err: ErrNoUsableKeys}
	}
	return set, nil
}
