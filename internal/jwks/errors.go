package jwks

import "errors"

// ErrUnavailable marks every failure to obtain a usable key set: network,
// file, size, JSON or "no usable keys". The CLI maps it to exit code 3.
var ErrUnavailable = errors.New("jwks unavailable")

// ErrNoUsableKeys is returned (together with the parsed Set, for inspection)
// when a set parsed but none of its keys can verify anything.
var ErrNoUsableKeys = errors.New("no usable signing keys")

// ErrNotJWKS marks a document that was read but is not a key set (not
// JSON, no "keys" array). It wraps ErrUnavailable too: a verifier cannot
// have keys from it.
var ErrNotJWKS = errors.New("not a JWKS")

// ErrBadLocation reports a location that is neither an http(s) URL nor a
// file path; it is a usage problem, but it also wraps ErrUnavailable.
var ErrBadLocation = errors.New("unsupported JWKS location")

// LoadError names the location and a one-line cause. It wraps ErrUnavailable
// and the underlying error.
type LoadError struct {
	Location string
	Cause    string
	Err      error
}

func (e *LoadError) Error() string { return "jwks " + e.Location + ": " + e.Cause }

func (e *LoadError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrUnavailable}
	}
	return []error{ErrUnavailable, e.Err}
}
