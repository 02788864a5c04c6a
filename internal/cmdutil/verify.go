package cmdutil

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// CacheDir is where fetched key sets are cached: $CIAMCTL_CACHE_DIR, else
// $XDG_CACHE_HOME/ciamctl/jwks, else "" (the jwks package's own default).
// Going through Getenv keeps tests away from the real user cache.
func (f *Factory) CacheDir() string {
	if d := f.Getenv("CIAMCTL_CACHE_DIR"); d != "" {
		return d
	}
	if d := f.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "ciamctl", "jwks")
	}
	return ""
}

// JWKSFetcher loads key sets with the command's HTTP client, --timeout and
// clock: every load, retry and refetch draws on the command's one network
// budget. noCache bypasses the disk cache (--no-cache). Its warnings (an
// unsafe cache ignored) go to stderr, one line each.
func (f *Factory) JWKSFetcher(noCache bool) *jwks.Fetcher {
	return &jwks.Fetcher{
		Client:   f.HTTPClient(),
		Timeout:  f.Globals.Timeout, // when no budget was started (tests calling a run function directly)
		Budget:   f.NetBudget,
		Now:      f.Now,
		CacheDir: f.CacheDir(),
		NoCache:  noCache,
		Warn:     func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, "warning: "+msg) },
	}
}

// BrandPolicy is the ID-token policy a brand's gateway configuration implies:
// its issuer, its client ID as audience and its algorithm allow-list.
func BrandPolicy(cfg *brand.Config) oidc.Policy {
	return oidc.Policy{
		Issuer:     cfg.CIAM.Issuer,
		Audience:   cfg.CIAM.ClientID,
		Algorithms: cfg.CIAM.Algorithms,
	}
}

// BrandVerifier builds a verifier for a brand's tokens, keys from its jwksUri.
func (f *Factory) BrandVerifier(cfg *brand.Config, noCache bool) (*oidc.Verifier, error) {
	p := BrandPolicy(cfg)
	p.Now = f.Now
	v, err := oidc.NewVerifier(p, oidc.NewFetcherSource(f.JWKSFetcher(noCache), cfg.CIAM.JWKSURI))
	if err != nil {
		return nil, fmt.Errorf("brand %q: %w", cfg.Brand, err)
	}
	return v, nil
}

// TokenTooLargeError is a token on stdin over oidc.MaxTokenBytes. Only the
// size is kept: the input was counted, not held.
type TokenTooLargeError struct{ Size int64 }

func (e *TokenTooLargeError) Error() string {
	return fmt.Sprintf("token on stdin is %d bytes; the limit is %d KiB", e.Size, oidc.MaxTokenBytes>>10)
}

// ReadToken returns the token named by a [TOKEN|-] argument: the argument
// itself, or stdin for "-" (and for no argument when stdin is not a
// terminal). Surrounding whitespace is dropped. A token on stdin over
// oidc.MaxTokenBytes (after trimming) is a *TokenTooLargeError; the rest of
// the input is counted without being kept, so memory stays bounded.
func (f *Factory) ReadToken(args []string) (string, error) {
	if len(args) > 0 && args[0] != "-" {
		tok := strings.TrimSpace(args[0])
		if err := notAFile(tok); err != nil {
			return "", err
		}
		return tok, nil
	}
	if len(args) == 0 && f.IOStreams.IsStdinTTY() {
		return "", FlagErrorf("no token: pass it as an argument or pipe it on stdin (use - to read stdin)")
	}
	// Room for the limit plus surrounding whitespace such as a final newline.
	const room = oidc.MaxTokenBytes + 1024
	f.ListenForInterrupts()
	in := bufio.NewReader(f.IOStreams.In)
	b, err := io.ReadAll(io.LimitReader(in, room))
	if err != nil {
		return "", fmt.Errorf("reading token from stdin: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(b) == room {
		rest, err := io.Copy(io.Discard, in)
		if err != nil {
			return "", fmt.Errorf("reading token from stdin: %w", err)
		}
		return "", &TokenTooLargeError{Size: int64(len(tok)) + rest}
	}
	if len(tok) > oidc.MaxTokenBytes {
		return "", &TokenTooLargeError{Size: int64(len(tok))}
	}
	if tok == "" {
		return "", FlagErrorf("no token on stdin")
	}
	return tok, nil
}

// notAFile refuses a TOKEN argument that is the name of a file rather than a
// token (a JWT has two dots and no slash, and base64url has neither spaces
// nor path separators), before it is decoded into a confusing "not a JWT":
// as step and jwt-cli do, the token comes as an argument or on stdin, and
// the hint says how to pass the file's contents.
func notAFile(arg string) error {
	if strings.Count(arg, ".") == 2 && !strings.ContainsAny(arg, "/\\ ") {
		return nil // shaped like a JWT: decoding says what is wrong with it
	}
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		return FlagErrorf("TOKEN: %s is a file, not a token; pass the token, or the file on stdin: - < %s", arg, arg)
	}
	return nil
}
