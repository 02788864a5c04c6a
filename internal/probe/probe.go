// Package probe checks a brand's CIAM over the network: its discovery
// document, its key set and its userinfo endpoint. `config validate
// --online` and `doctor` both report what it finds.
package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// Names of the checks.
const (
	CheckDiscovery = "discovery"
	CheckJWKS      = "jwks"
	CheckUserinfo  = "userinfo"
)

// Finding is one thing wrong, tied to the brand field it is about.
type Finding struct {
	Field    string
	Severity brand.Severity
	// Unreachable marks a remote that could not be reached at all (no
	// answer, timeout, 5xx, 429), as opposed to one that answered wrongly.
	Unreachable bool
	Message     string
}

// Result is the outcome of one check: a one-line summary and its findings.
type Result struct {
	Name     string
	Skipped  bool // nothing to check (e.g. discovery without an issuer)
	Summary  string
	Findings []Finding
}

// OK reports whether the check found no error.
func (r Result) OK() bool {
	return !slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity == brand.SeverityError })
}

// Unreachable reports whether any finding is a remote that did not answer.
func (r Result) Unreachable() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Unreachable })
}

// Prober runs the checks. Client and Fetcher are required.
type Prober struct {
	Client  *http.Client
	Fetcher *jwks.Fetcher
	Timeout time.Duration // per request; 0: 10s
	// Retry is the policy for the userinfo probe (discovery and the JWKS use
	// httpget's and the fetcher's); nil: httpget.DefaultPolicy.
	Retry *httpget.Policy
}

func (p *Prober) retry() httpget.Policy {
	if p.Retry != nil {
		return *p.Retry
	}
	return httpget.DefaultPolicy
}

func (p *Prober) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return 10 * time.Second
}

// Brand runs the three checks concurrently, in a fixed order of results.
func (p *Prober) Brand(ctx context.Context, cfg *brand.Config) []Result {
	checks := []func(context.Context, *brand.Config) Result{p.Discovery, p.JWKS, p.Userinfo}
	out := make([]Result, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Go(func() { out[i] = check(ctx, cfg) })
	}
	wg.Wait()
	return out
}

func (r *Result) add(field string, sev brand.Severity, unreachable bool, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Field: field, Severity: sev, Unreachable: unreachable, Message: fmt.Sprintf(format, args...)})
}

// Discovery fetches the issuer's discovery document (when an issuer is
// configured) and compares it with the brand's settings.
func (p *Prober) Discovery(ctx context.Context, cfg *brand.Config) Result {
	r := Result{Name: CheckDiscovery}
	if cfg.CIAM.Issuer == "" {
		r.Skipped, r.Summary = true, "no issuer configured, nothing to discover"
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	d, err := oidc.Discover(ctx, p.Client, cfg.CIAM.Issuer)
	if err != nil {
		r.add("ciam.issuer", brand.SeverityError, unreachable(err), "%s", err)
		r.Summary = err.Error()
		return r
	}
	r.Summary = "issuer " + d.Issuer + " publishes a matching discovery document"
	if d.JWKSURI != cfg.CIAM.JWKSURI {
		r.add("ciam.jwksUri", brand.SeverityWarning, false, "discovery publishes jwks_uri %q, not this one; check which is right", redact.URL(d.JWKSURI))
	}
	if d.UserinfoEndpoint != "" && d.UserinfoEndpoint != cfg.CIAM.UserinfoEndpoint {
		r.add("ciam.userinfoEndpoint", brand.SeverityWarning, false, "discovery publishes userinfo_endpoint %q, not this one; check which is right", redact.URL(d.UserinfoEndpoint))
	}
	if supported := d.IDTokenSigningAlgValuesSupported; len(supported) > 0 {
		allowed := allowedAlgorithms(cfg)
		if !slices.ContainsFunc(supported, func(a string) bool { return allowed[a] }) {
			r.add("ciam.algorithms", brand.SeverityError, false, "the CIAM signs ID tokens with %s and none of them is allowed (%s)",
				strings.Join(supported, ", "), strings.Join(sortedKeys(allowed), ", "))
		}
	}
	return r
}

// JWKS loads the brand's key set and checks it can verify an allowed
// algorithm.
func (p *Prober) JWKS(ctx context.Context, cfg *brand.Config) Result {
	const field = "ciam.jwksUri"
	r := Result{Name: CheckJWKS}
	set, err := p.Fetcher.Load(ctx, cfg.CIAM.JWKSURI)
	if set == nil {
		r.add(field, brand.SeverityError, unreachable(err), "%s", err)
		r.Summary = err.Error()
		return r
	}
	// Judged against the brand's allow-list: a key the brand would never
	// use (RSA-1024 next to the ES256 key it does use, an X25519 key for
	// encryption) is a warning, not an error of the brand.
	j := set.Judge(cfg.CIAM.Algorithms)
	for _, pr := range j.Problems {
		sev := brand.SeverityWarning
		if pr.Severity == jwks.SeverityError {
			sev = brand.SeverityError
		}
		switch {
		case pr.NoUsableKey():
			// Said below, in the brand's terms.
		case pr.Kid == "":
			r.add(field, sev, false, "JWKS: %s", pr.Message)
		default:
			r.add(field, sev, false, "JWKS key %q: %s", pr.Kid, pr.Message)
		}
	}
	allowed := allowedAlgorithms(cfg)
	var usable []string
	for _, k := range set.Keys {
		if k.Usable && fitsAllowed(k, allowed) {
			usable = append(usable, keyLabel(k))
		}
	}
	r.Summary = fmt.Sprintf("%d usable %s", len(usable), plural(len(usable), "key"))
	if len(usable) > 0 {
		r.Summary += ": " + strings.Join(usable, ", ")
		return r
	}
	if len(set.Usable()) == 0 {
		r.add(field, brand.SeverityError, false, "JWKS: no key in the set can verify signatures")
		return r
	}
	where := field
	if len(cfg.CIAM.Algorithms) > 0 {
		where = "ciam.algorithms"
	}
	r.add(where, brand.SeverityError, false, "no usable key in the JWKS can verify an allowed algorithm (%s), so no token would verify",
		strings.Join(sortedKeys(allowed), ", "))
	return r
}

// fitsAllowed reports whether a key verifies one of the allowed algorithms:
// by its alg when it has one, else by its type.
func fitsAllowed(k jwks.KeyInfo, allowed map[string]bool) bool {
	if k.Alg != "" {
		return allowed[k.Alg]
	}
	for a := range allowed {
		if jwks.AlgFits(a, k.Kty, k.Curve) {
			return true
		}
	}
	return false
}

func keyLabel(k jwks.KeyInfo) string {
	alg := k.Alg
	if alg == "" {
		alg = k.Kty
	}
	if k.Kid == "" {
		return alg
	}
	return fmt.Sprintf("%s %q", alg, k.Kid)
}

// Userinfo probes the userinfo endpoint without a token: 401 or 403 (and
// 400 or 405, which some servers send instead) show it is there.
func (p *Prober) Userinfo(ctx context.Context, cfg *brand.Config) Result {
	const field = "ciam.userinfoEndpoint"
	r := Result{Name: CheckUserinfo}
	raw := cfg.CIAM.UserinfoEndpoint
	url := redact.URL(raw) // as shown: no credentials, no query values
	if _, err := urlpolicy.Check(raw); err != nil {
		// The brand's own validation says so too; never send a request there.
		r.add(field, brand.SeverityError, false, "%s: %s", url, err)
		r.Summary = url + ": refused"
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		r.add(field, brand.SeverityError, false, "invalid URL: %v", err)
		r.Summary = "invalid URL"
		return r
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ciamctl")
	client := *p.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// A GET without a token changes nothing: 5xx, 429 and dropped connections
	// are retried within the timeout, as for discovery and the JWKS.
	policy := p.retry()
	var resp *http.Response
	for attempt := 1; ; attempt++ {
		resp, err = client.Do(req.Clone(ctx))
		var failed *httpget.Error
		switch {
		case err != nil:
			failed = &httpget.Error{Cause: httpget.Describe(err), Err: err}
		case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
			failed = httpget.StatusError(resp)
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
		}
		if failed == nil {
			break
		}
		final := policy.Wait(ctx, attempt, failed)
		if final == nil {
			continue
		}
		if err != nil {
			r.add(field, brand.SeverityError, true, "GET %s: %s", url, final.Cause)
			r.Summary = "GET " + url + ": " + final.Cause
		} else {
			// "HTTP 503 Service Unavailable (server failure after 4 attempts; try again later)"
			detail := strings.NewReplacer(" (", "; ", ")", "").Replace(strings.TrimPrefix(final.Cause, failed.Cause))
			r.Summary = fmt.Sprintf("%s answers %s without a token", url, failed.Cause)
			r.add(field, brand.SeverityError, true, "GET %s: %s (server failure%s; try again later)", url, failed.Cause, detail)
		}
		return r
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	code := resp.StatusCode
	r.Summary = fmt.Sprintf("%s answers HTTP %d without a token", url, code)
	switch {
	case code >= 200 && code < 300, code == http.StatusUnauthorized, code == http.StatusForbidden,
		code == http.StatusBadRequest, code == http.StatusMethodNotAllowed:
		// Reachable: without a token, a refusal is the expected answer.
	case code >= 300 && code < 400:
		r.add(field, brand.SeverityError, false, "GET %s: redirects (HTTP %d) to %q; configure the final URL", url, code, redact.URL(resp.Header.Get("Location")))
	default:
		r.add(field, brand.SeverityError, false, "GET %s: HTTP %s; check the URL", url, resp.Status)
	}
	return r
}

// unreachable tells a remote that could not be reached (no answer, timeout,
// 5xx, 429) from one that answered with something wrong.
func unreachable(err error) bool {
	var he *httpget.Error
	if !errors.As(err, &he) {
		return false
	}
	switch {
	case errors.Is(he, httpget.ErrTooLarge):
		return false
	case errors.Is(he, httpget.ErrStatus):
		return he.StatusCode >= 500 || he.StatusCode == http.StatusTooManyRequests
	}
	return true
}

// allowedAlgorithms is the brand's allow-list as a set (the default when
// the brand names none), without none and HS*.
func allowedAlgorithms(cfg *brand.Config) map[string]bool {
	algs := cfg.CIAM.Algorithms
	if len(algs) == 0 {
		algs = oidc.DefaultAlgorithms
	}
	m := map[string]bool{}
	for _, a := range algs {
		if jwks.IsSignatureAlg(a) {
			m[a] = true
		}
	}
	return m
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
