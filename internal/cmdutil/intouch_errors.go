package cmdutil

import (
	"errors"
	"strings"

	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// IntouchError moves the advice an Intouch failure carries onto a hint line,
// so the error line says what failed and the hint line what to check: on a
// 401 which CIAMCTL_INTOUCH_* variables, on a 403 the org, on a network
// failure the base URL, after a write that may have been applied what to
// check before repeating it. The error keeps its sentinels (exit codes).
func IntouchError(err error) error {
	if err == nil {
		return nil
	}
	var he *HintError
	if errors.As(err, &he) {
		return err
	}
	var ae *intouch.APIError
	if errors.As(err, &ae) && ae.Hint != "" {
		// The hint is already part of the message of every error wrapping ae; say it once, on its own line.
		return WithHint(&trimmedError{err: err, cut: "; " + ae.Hint}, "%s", ae.Hint)
	}
	switch {
	case errors.Is(err, urlpolicy.ErrCrossOriginRedirect):
		return WithHint(err, "credentials are only sent to %s's own origin; if the platform moved, set %s (or --intouch-url) to its new https URL", intouch.EnvURL, intouch.EnvURL)
	case errors.Is(err, intouch.ErrAuth):
		return WithHint(err, "check %s and %s (OAuth) or %s and %s (basic)",
			intouch.EnvClientKey, intouch.EnvClientSecret, intouch.EnvUsername, intouch.EnvPassword)
	case errors.Is(err, intouch.ErrUnavailable) && strings.Contains(err.Error(), "may have been applied"):
		return WithHint(err, "the platform may have made the change: check before repeating it (`channel link` and `flow login` without --apply look first; `customer lookup` shows the customer)")
	case errors.Is(err, intouch.ErrUnavailable) && ae == nil:
		return WithHint(err, "check %s (or --intouch-url/--cluster) and the network; raise --timeout for a slow link", intouch.EnvURL)
	}
	return err
}

// trimmedError is err with a piece of its message removed.
type trimmedError struct {
	err error
	cut string
}

func (e *trimmedError) Error() string { return strings.Replace(e.err.Error(), e.cut, "", 1) }
func (e *trimmedError) Unwrap() error { return e.err }
