package intouch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/netretry"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

const maxResponseBody = 8 << 20

// Client calls the Intouch API. It is safe for concurrent use.
type Client struct {
	cfg        Config
	hc         *http.Client
	now        func() time.Time
	sleep      func(context.Context, time.Duration) error
	rnd        func() float64
	maxRetries int
	basic      string // precomputed Basic header value; never logged

	mu       sync.Mutex // guards the cached token and serialises minting
	token    string
	tokenExp time.Time

	secretsMu sync.Mutex
	secrets   redact.Secrets // values hidden from every error and trace line

	rate rateGate // the platform's per-minute limit, as its refusals show it
}

// New validates the config and applies defaults.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, now: cfg.Now, sleep: cfg.Sleep, rnd: rand.Float64, maxRetries: cfg.MaxRetries}
	hc := http.Client{Timeout: 30 * time.Second}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient // a copy: the caller's client keeps its own redirect policy
	}
	// Go follows a 307 with the same body and copies custom headers such as
	// X-CAP-API-OAUTH-TOKEN to any host; credentials must stay with the
	// configured origin, so any redirect elsewhere ends the call.
	hc.CheckRedirect = urlpolicy.CheckRedirect
	c.hc = &hc
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = netretry.Sleep
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if cfg.AuthMode() == AuthBasic {
		c.basic = BasicAuthValue(cfg.Username, cfg.Password)
	}
	c.addSecrets(knownSecrets(cfg)...)
	return c, nil
}

// OrgID is the org the client was configured for.
func (c *Client) OrgID() string { return c.cfg.OrgID }

// BaseURL is the API host in use.
func (c *Client) BaseURL() string { return strings.TrimRight(c.cfg.BaseURL, "/") }

// Meta describes the response of a successful call.
type Meta struct {
	Status    int
	RequestID string
	Warnings  []Item
	Attempts  int
}

// call sends one logical request (with retries and one token re-mint) and decodes the JSON answer into out.
func (c *Client) call(ctx context.Context, id EndpointID, params map[string]string, query url.Values, in, out any) (Meta, error) {
	ep := endpoint(id)
	u, err := ep.URL(c.cfg.BaseURL, params, query)
	if err != nil {
		return Meta{}, err
	}
	var body []byte
	if in != nil {
		if body, err = json.Marshal(in); err != nil {
			return Meta{}, fmt.Errorf("intouch: %s %s: encoding request: %w", ep.Method, ep.Path, err)
		}
	}
	reminted := false
	retries := 0
	var refusal *APIError // the last rate-limit refusal, while its wait is pending
	for attempt := 1; ; attempt++ {
		held := false
		if ep.Auth {
			if held, err = c.holdForRateLimit(ctx, ep, u, refusal); err != nil {
				return Meta{Attempts: attempt}, err
			}
		}
		authHeader, authValue, err := c.authFor(ctx, ep)
		if err != nil {
			return Meta{Attempts: attempt}, err
		}
		actOn := c.actOnOrg(ep, authHeader, authValue)
		res, err := c.once(ctx, ep, u, body, authHeader, authValue, actOn, attempt)
		if err != nil {
			te := &TransportError{Method: ep.Method, URL: shownURL(u), Cause: c.scrub(httpget.Describe(err)), Attempts: attempt, Err: err,
				MayHaveApplied: res.sent && !ep.Idempotent}
			if ctx.Err() != nil {
				// The command's deadline (or Ctrl-C) ended the call: say which.
				if name, ok := deadline.Named(ctx); ok && errors.Is(ctx.Err(), context.DeadlineExceeded) {
					te.Cause += " (" + name + ")"
				}
				return Meta{Attempts: attempt}, te
			}
			// Only a dropped connection may go better on a new one: a refused connection, a DNS or TLS failure
			// would fail again, and a timeout has used up --timeout (retrying it would multiply the wait). A
			// request whose headers never left could not have been applied; otherwise only idempotent calls repeat.
			if httpget.Transient(err) && (ep.Idempotent || !res.sent) && retries < c.maxRetries {
				d := netretry.Backoff(retries, backoffBase, backoffCap, c.rnd)
				if werr := deadline.CheckWait(ctx, d, "retrying"); werr != nil {
					return Meta{Attempts: attempt}, fmt.Errorf("%w; %w", te, werr)
				}
				if serr := c.sleep(ctx, d); serr != nil {
					return Meta{Attempts: attempt}, te
				}
				retries++
				continue
			}
			return Meta{Attempts: attempt}, te
		}

		meta := Meta{Status: res.status, RequestID: res.header.Get("X-Cap-Requestid"), Attempts: attempt}
		var env envelope
		_ = json.Unmarshal(res.body, &env) // a body without the envelope is judged by its status alone
		c.scrubItems(env.Errors)
		c.scrubItems(env.Warnings)
		meta.Warnings = env.Warnings
		apiErr := c.toAPIError(ep, res, env)
		if apiErr != nil && actOn != "" && (res.status == http.StatusUnauthorized || res.status == http.StatusForbidden) {
			apiErr.Hint = c.actOnRefusedHint(authValue, actOn)
		}
		refusal = nil
		if ep.Auth && !isRateLimited(res.status, apiErr) {
			c.rate.accepted(held)
		}

		if res.status == http.StatusUnauthorized && ep.Auth && c.cfg.AuthMode() == AuthOAuth && !reminted {
			// The cached token may have been revoked or expired early: mint once more, retry once. A 401 is
			// decided before the request is processed, so even a POST is safe to repeat here.
			c.invalidateToken(authValue)
			reminted = true
			continue
		}
		if apiErr != nil && ep.Auth && isRateLimited(res.status, apiErr) {
			// Rate limited: the wait is the gate's, so every call of this client holds back, and the next
			// attempt waits for it at the top of the loop.
			d, asked := netretry.ParseRetryAfter(res.header.Get("Retry-After"), c.now())
			what := "retrying (the platform's Retry-After)"
			if asked {
				if d > maxRetryAfter {
					apiErr.Hint = fmt.Sprintf("the platform asked to retry after %s; try again later", d)
					apiErr.Attempts = attempt
					return meta, apiErr
				}
				c.rate.holdUntil(c.now().Add(d))
			} else {
				d = c.rate.refused(c.now(), res.header.Get("Date"))
				what = rateLimitWait
			}
			if retries >= c.maxRetries {
				apiErr.Attempts = attempt
				return meta, apiErr
			}
			if werr := deadline.CheckWait(ctx, d, what); werr != nil {
				apiErr.Attempts = attempt
				apiErr.Hint = rateLimitHint(ctx, d)
				return meta, &stoppedError{API: apiErr, Err: werr}
			}
			c.debugf("intouch: rate limited (HTTP %d): holding calls for %s, then retrying %s %s", res.status, d.Round(time.Millisecond), ep.Method, shownURL(u))
			refusal = apiErr
			retries++
			continue
		}
		if apiErr != nil && shouldRetry(ep, res.status, apiErr) && retries < c.maxRetries {
			d, asked := netretry.ParseRetryAfter(res.header.Get("Retry-After"), c.now())
			what := "retrying (the platform's Retry-After)"
			if !asked {
				d = netretry.Backoff(retries, backoffBase, backoffCap, c.rnd)
				what = "retrying"
			}
			if d > maxRetryAfter {
				apiErr.Hint = fmt.Sprintf("the platform asked to retry after %s; try again later", d)
				apiErr.Attempts = attempt
				return meta, apiErr
			}
			// One deadline for the whole command: a wait that would pass it is
			// not started, and the error says the limit, not the server, ended it.
			if werr := deadline.CheckWait(ctx, d, what); werr != nil {
				apiErr.Attempts = attempt
				return meta, &stoppedError{API: apiErr, Err: werr}
			}
			if serr := c.sleep(ctx, d); serr != nil {
				apiErr.Attempts = attempt
				return meta, &stoppedError{API: apiErr, Err: fmt.Errorf("gave up waiting to retry: %w", serr)}
			}
			retries++
			continue
		}
		if apiErr != nil {
			apiErr.Attempts = attempt
			if mayHaveApplied(ep, res.status) && apiErr.Hint == "" {
				apiErr.Hint = "the platform may have applied the request before failing: check its effect (e.g. with a lookup) before repeating it"
			}
			return meta, apiErr
		}
		if out != nil && len(bytes.TrimSpace(res.body)) > 0 {
			if err := json.Unmarshal(res.body, out); err != nil {
				return meta, fmt.Errorf("intouch: %s %s: decoding response (HTTP %d, request id %s): %s", ep.Method, ep.Path, res.status, meta.RequestID, c.scrub(err.Error()))
			}
		}
		return meta, nil
	}
}

// holdForRateLimit waits before an authenticated call as the rate gate says: not at all, normally. A wait that
// would pass the command's deadline is not started: the error names the per-minute limit and what to do.
func (c *Client) holdForRateLimit(ctx context.Context, ep Endpoint, u string, refusal *APIError) (held bool, err error) {
	d := c.rate.reserve(c.now())
	if d <= 0 {
		return false, nil
	}
	what := rateLimitWait
	if refusal == nil {
		what = "sending it (the platform's per-minute rate limit resets by then)"
	}
	if werr := deadline.CheckWait(ctx, d, what); werr != nil {
		if refusal != nil {
			refusal.Hint = rateLimitHint(ctx, d)
			return false, &stoppedError{API: refusal, Err: werr}
		}
		return false, &RateLimitError{Method: ep.Method, URL: shownURL(u), Wait: d, Hint: rateLimitHint(ctx, d), Err: werr}
	}
	if refusal == nil {
		c.debugf("intouch: pacing for the platform's per-minute rate limit: holding %s %s for %s", ep.Method, shownURL(u), d.Round(time.Millisecond))
	}
	if err := c.sleep(ctx, d); err != nil {
		if refusal != nil {
			return false, &stoppedError{API: refusal, Err: fmt.Errorf("gave up waiting to retry: %w", err)}
		}
		return false, fmt.Errorf("%w: %s %s: gave up waiting for the platform's per-minute rate limit: %w", ErrUnavailable, ep.Method, shownURL(u), err)
	}
	return true, nil
}

func (c *Client) debugf(format string, args ...any) {
	if c.cfg.Debug != nil {
		fmt.Fprintln(c.cfg.Debug, c.scrub(fmt.Sprintf(format, args...)))
	}
}

type rawResponse struct {
	url    string
	status int
	header http.Header
	body   []byte
	sent   bool // the request headers were written: the server may have acted on it
}

func (c *Client) once(ctx context.Context, ep Endpoint, u string, body []byte, authHeader, authValue, actOn string, attempt int) (rawResponse, error) {
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), ep.Method, u, rd)
	if err != nil {
		return rawResponse{}, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if actOn != "" {
		req.Header.Set(HeaderActOnOrg, actOn)
	}
	if authHeader != "" {
		req.Header.Set(authHeader, authValue)
	}
	c.traceRequest(req, body, attempt)
	start := time.Now() // wall-clock duration for the trace, independent of the injectable clock
	resp, err := c.hc.Do(req)
	if err != nil {
		c.traceResponse(ep.Method, u, 0, nil, nil, time.Since(start), err)
		return rawResponse{sent: sent.Load()}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		c.traceResponse(ep.Method, u, 0, nil, nil, time.Since(start), err)
		return rawResponse{sent: true}, fmt.Errorf("reading response: %w", err)
	}
	c.traceResponse(ep.Method, u, resp.StatusCode, resp.Header, b, time.Since(start), nil)
	return rawResponse{url: u, status: resp.StatusCode, header: resp.Header, body: b, sent: true}, nil
}

// toAPIError turns a non-2xx status or a non-empty errors[] into an *APIError (nil when all is well).
func (c *Client) toAPIError(ep Endpoint, res rawResponse, env envelope) *APIError {
	if res.status >= 200 && res.status < 300 && len(env.Errors) == 0 {
		return nil
	}
	e := &APIError{Status: res.status, RequestID: c.scrub(res.header.Get("X-Cap-Requestid")), Method: ep.Method, Path: ep.Path, URL: shownURL(res.url), Items: env.Errors}
	if len(env.Errors) > 0 {
		e.Code, e.Message = env.Errors[0].Code, env.Errors[0].Message
		if len(env.Errors) > 1 {
			e.Message += fmt.Sprintf(" (+%d more)", len(env.Errors)-1)
		}
	} else {
		e.Message = http.StatusText(res.status)
	}
	switch res.status {
	case http.StatusUnauthorized:
		e.Hint = c.authHint(ep)
	case http.StatusForbidden:
		e.Hint = fmt.Sprintf("the credentials are valid but may not access this API or org %q", c.cfg.OrgID)
	}
	return e
}

func (c *Client) authHint(ep Endpoint) string {
	if !ep.Auth || c.cfg.AuthMode() == AuthOAuth {
		if !ep.Auth {
			return fmt.Sprintf("check %s and %s", EnvClientKey, EnvClientSecret)
		}
		return fmt.Sprintf("a freshly minted token was refused: check that the key in %s may call this API", EnvClientKey)
	}
	return fmt.Sprintf("check %s and %s (the password is sent as its md5 hex)", EnvUsername, EnvPassword)
}
