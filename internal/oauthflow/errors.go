package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
)

// ErrRefused marks an answer of the CIAM that ends the flow: an OAuth
// error (invalid_grant, access_denied, …), a callback whose state does not
// match, a token response without what was asked for. Exit code 1.
var ErrRefused = errors.New("refused by the CIAM")

// ErrUnavailable marks a CIAM that could not be reached, answered 5xx, or
// did not answer in time, and a sign-in that did not finish in time (exit
// code 3). It is the sentinel the JWKS and discovery fetches use.
var ErrUnavailable = jwks.ErrUnavailable

func refused(format string, args ...any) error {
	return fmt.Errorf("%s%w", fmt.Sprintf(format, args...), marker{ErrRefused})
}

func unavailable(format string, args ...any) error {
	return fmt.Errorf("%s%w", fmt.Sprintf(format, args...), marker{ErrUnavailable})
}

// marker adds a sentinel to an error without adding text.
type marker struct{ sentinel error }

func (marker) Error() string          { return "" }
func (m marker) Is(target error) bool { return target == m.sentinel }

// requestError turns what x/oauth2 returned for a request to endpoint
// (named, e.g. "token endpoint https://…/token") into one line. Values the
// request carried (secret, password, code, verifier) are removed from
// anything the server said, in case it echoes them.
func requestError(ctx context.Context, endpoint string, err error, secrets ...string) error {
	redact := func(s string) string {
		for _, v := range secrets {
			if v != "" {
				s = strings.ReplaceAll(s, v, "[redacted]")
			}
		}
		return s
	}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode != "":
		msg := redact(re.ErrorCode)
		if re.ErrorDescription != "" {
			msg += ": " + redact(re.ErrorDescription)
		}
		if re.Response != nil && re.Response.StatusCode >= 500 {
			return unavailable("%s: HTTP %d: %s", endpoint, re.Response.StatusCode, truncate(msg, 300))
		}
		return refused("%s: %s", endpoint, truncate(msg, 300))
	case errors.As(err, &re) && re.Response != nil:
		status := re.Response.StatusCode
		if status >= 500 || status == http.StatusTooManyRequests {
			return unavailable("%s: HTTP %d %s", endpoint, status, http.StatusText(status))
		}
		return refused("%s: HTTP %d %s, without an OAuth error", endpoint, status, http.StatusText(status))
	case errors.Is(err, context.DeadlineExceeded):
		return unavailable("%s: %s", endpoint, deadlineCause(ctx))
	case errors.Is(err, context.Canceled):
		return err
	}
	var ue *url.Error
	switch {
	case errors.As(err, &ue) && errors.Is(err, errRedirect):
		return refused("%s: %s", endpoint, redact(ue.Err.Error()))
	case errors.As(err, &ue):
		return unavailable("%s: %s", endpoint, redact(httpget.Describe(err)))
	}
	return refused("%s: %s", endpoint, truncate(redact(err.Error()), 300))
}

// deadlineCause names the limit that ran out, when it was a Budget's.
func deadlineCause(ctx context.Context) string {
	var b *BudgetError
	if errors.As(context.Cause(ctx), &b) {
		return b.Error()
	}
	return "timed out"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
