// Package rp makes the relying party's calls that carry a user's tokens to the CIAM: userinfo with an
// access token (OpenID Connect Core §5.3), RP-initiated logout with an id_token_hint (RP-Initiated Logout
// 1.0) and token revocation (RFC 7009).
//
// Every call carries a credential, so every URL must be https (http only for loopback hosts) without
// credentials in it, a redirect is never followed to another origin (and POSTs are never redirected),
// bodies are capped, and the caller's context bounds the whole call. Errors name the URL and the cause,
// never the token.
package rp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// A CIAM that could not be reached or failed wraps jwks.ErrUnavailable (exit 3), the key set's sentinel,
// so one errors.Is covers both. (Not an alias variable here: copying another package's variable is code
// that runs at every start-up.)

// ErrRefused is a CIAM that answered and refused what was sent: an access token userinfo does not accept,
// a logout or revocation it rejects (exit 1: the token or request checked is bad).
var ErrRefused = errors.New("refused by the CIAM")

// ErrUnsafeURL is an endpoint a token must not be sent to: not https (and not loopback), or with
// credentials in it (exit 1: the document or file that named it is bad).
var ErrUnsafeURL = errors.New("unsafe endpoint")

// maxBody caps what is read from an answer; userinfo documents are small.
const maxBody = 1 << 20

// CheckURL accepts an endpoint a credential may be sent to, by the one URL rule (urlpolicy): an
// absolute https URL, or http for a loopback host, with no user or password in it. what names it in
// errors; the URL is shown redacted.
func CheckURL(what, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("%w: no %s", ErrUnsafeURL, what)
	}
	u, err := urlpolicy.Check(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s %v; tokens are not sent there", ErrUnsafeURL, what, redact.URL(raw), err)
	}
	return u, nil
}

// guarded returns a copy of client whose redirects stay on the origin of the first request, and
// which follows none for anything but GET (urlpolicy.CheckRedirectGETOnly, as oauthflow's token
// requests): a redirect must never carry a token elsewhere.
func guarded(client *http.Client) *http.Client {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = urlpolicy.CheckRedirectGETOnly
	return &c
}

// do sends req with the guarded client and reads at most maxBody of the answer.
func do(client *http.Client, req *http.Request) (*http.Response, []byte, error) {
	req.Header.Set("User-Agent", "ciamctl")
	res, err := guarded(client).Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s %s: %s", jwks.ErrUnavailable, req.Method, shown(req.URL), httpget.Describe(err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s %s: reading the answer: %s", jwks.ErrUnavailable, req.Method, shown(req.URL), httpget.Describe(err))
	}
	if len(body) > maxBody {
		return nil, nil, fmt.Errorf("%w: %s %s: answer over 1 MiB", ErrRefused, req.Method, shown(req.URL))
	}
	return res, body, nil
}

// shown is the URL without its query (an id_token_hint travels there).
func shown(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment = "", ""
	return c.String()
}

// failure classifies a non-success answer: 5xx and 429 are the CIAM failing (jwks.ErrUnavailable), anything
// else a refusal, with the OAuth error and its description when the body carries them.
func failure(method string, u *url.URL, res *http.Response, body []byte) error {
	kind := ErrRefused
	if res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests {
		kind = jwks.ErrUnavailable
	}
	return &HTTPError{Kind: kind, Method: method, URL: shown(u), Status: res.StatusCode, Reason: oauthReason(res, body)}
}

// HTTPError is an answer that was not a success.
type HTTPError struct {
	Kind   error // ErrRefused or jwks.ErrUnavailable
	Method string
	URL    string
	Status int
	Reason string // the OAuth error (and description), or the WWW-Authenticate error, when given
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

func (e *HTTPError) Unwrap() error { return e.Kind }
