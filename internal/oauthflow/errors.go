package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// ErrRefused marks an answer of the CIAM that ends the flow: an OAuth
// error (invalid_grant, access_denied, …), a callback whose state does not
// match, a token response without what was asked for, a redirect to
// another origin, a redirect of a request that carries a secret. Exit code 1.
var ErrRefused = errors.New("refused by the CIAM")

// A CIAM that could not be reached, answered 5xx, or did not answer in time,
// and a sign-in that did not finish in time, are marked with
// jwks.ErrUnavailable (exit code 3), the sentinel the JWKS and discovery
// fetches use. (Not an alias variable here: copying another package's
// variable is code that runs at every start-up.)

func refused(format string, args ...any) error {
	return fmt.Errorf("%s%w", fmt.Sprintf(format, args...), marker{ErrRefused})
}

func unavailable(format string, args ...any) error {
	return fmt.Errorf("%s%w", fmt.Sprintf(format, args...), marker{jwks.ErrUnavailable})
}

// marker adds a sentinel to an error without adding text.
type marker struct{ sentinel error }

func (marker) Error() string          { return "" }
func (m marker) Is(target error) bool { return target == m.sentinel }

// secrets hides the values a request carried (client secret, password,
// code, verifier, device code) in anything the server said, in case it
// echoes one, in their escaped forms too.
func secrets(values ...string) *redact.Secrets {
	var s redact.Secrets
	s.Add(values...)
	return &s
}

// requestError turns what x/oauth2 returned for a request to endpoint
// (named and redacted, e.g. "token endpoint https://…/token") into one
// line, with the values hidden.
func requestError(ctx context.Context, endpoint string, err error, hidden *redact.Secrets) error {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode != "":
		msg := hidden.Text(re.ErrorCode)
		if re.ErrorDescription != "" {
			msg += ": " + hidden.Text(re.ErrorDescription)
		}
		if re.Response != nil && re.Response.StatusCode >= 500 {
			return unavailable("%s: HTTP %d: %s", endpoint, re.Response.StatusCode, truncate(msg, 300))
		}
		return refused("%s: %s", endpoint, truncate(msg, 300))
	case errors.As(err, &re) && re.Response != nil:
		status := re.Response.StatusCode
		if status >= 300 && status < 400 {
			where := ""
			if loc, err := re.Response.Location(); err == nil {
				where = " to " + redact.URL(loc.String())
			}
			return refused("%s: HTTP %d %s%s: not followed, a request carrying a secret or code follows no redirect",
				endpoint, status, http.StatusText(status), where)
		}
		if status >= 500 || status == http.StatusTooManyRequests {
			return unavailable("%s: HTTP %d %s", endpoint, status, http.StatusText(status))
		}
		return refused("%s: HTTP %d %s, without an OAuth error", endpoint, status, http.StatusText(status))
	case errors.Is(err, context.DeadlineExceeded):
		return unavailable("%s: timed out (%s)", endpoint, deadline.Described(ctx))
	case errors.Is(err, context.Canceled):
		return err
	}
	var ue *url.Error
	switch {
	case errors.As(err, &ue) && errors.Is(err, urlpolicy.ErrCrossOriginRedirect):
		return refused("%s: %s", endpoint, hidden.Text(ue.Err.Error()))
	case errors.As(err, &ue):
		return unavailable("%s: %s", endpoint, hidden.Text(httpget.Describe(err)))
	}
	return refused("%s: %s", endpoint, truncate(hidden.Text(err.Error()), 300))
}

// budgetError marks a request the network budget did not start (an
// *deadline.ExceededError) as the CIAM being out of reach in time.
func budgetError(err error) error {
	return fmt.Errorf("%w%w", err, marker{jwks.ErrUnavailable})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
