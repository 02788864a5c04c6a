package configcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/jwks/httpget"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// onlineConcurrency bounds how many brands are checked at once; each brand
// makes up to three requests (discovery, JWKS, userinfo) in parallel.
const onlineConcurrency = 8

// onlineStats is what --online adds to the summary.
type onlineStats struct {
	checked     int
	skipped     int      // brands with offline errors, not checked online
	unreachable []string // brands with an endpoint that could not be reached
}

// checkOnline runs the remote checks for every brand whose file has no
// errors, concurrently with a bound, and adds what they find to the
// brands' problems.
func (o *ValidateOptions) checkOnline(results []brand.FileResult) *onlineStats {
	f := o.Factory
	if o.Ctx == nil {
		o.Ctx = context.Background()
	}
	st := &onlineStats{}
	fetcher := f.JWKSFetcher(o.NoCache)
	sem := make(chan struct{}, onlineConcurrency)
	outcomes := make([]onlineOutcome, len(results))
	var wg sync.WaitGroup
	for i, r := range results {
		if !r.Valid() || r.Config == nil {
			st.skipped++
			continue
		}
		st.checked++
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			outcomes[i] = o.onlineBrand(r, fetcher)
		})
	}
	label := fmt.Sprintf("Checking %d %s online", st.checked, cmdutil.Plural(st.checked, "brand"))
	stop := f.IOStreams.StartProgress(label)
	wg.Wait()
	stop()

	for i := range results {
		out := outcomes[i]
		if len(out.problems) == 0 && !out.unreachable {
			continue
		}
		results[i].Problems = append(results[i].Problems, out.problems...)
		sort.SliceStable(results[i].Problems, func(a, b int) bool {
			pa, pb := results[i].Problems[a], results[i].Problems[b]
			if pa.Line != pb.Line {
				return pa.Line < pb.Line
			}
			return pa.Column < pb.Column
		})
		if out.unreachable {
			st.unreachable = append(st.unreachable, results[i].Config.Brand)
		}
	}
	return st
}

// onlineOutcome is what the remote checks found for one brand file.
type onlineOutcome struct {
	problems    []brand.Problem
	unreachable bool
}

// onlineBrand checks one brand's CIAM: discovery (when the issuer is set),
// the JWKS, and the userinfo endpoint, all three at once.
func (o *ValidateOptions) onlineBrand(r brand.FileResult, fetcher *jwks.Fetcher) onlineOutcome {
	cfg := r.Config
	pos := positions(r.Path)
	var (
		mu  sync.Mutex
		out onlineOutcome
		wg  sync.WaitGroup
	)
	add := func(field string, sev brand.Severity, unreachable bool, format string, args ...any) {
		p := pos.Lookup(field)
		mu.Lock()
		defer mu.Unlock()
		out.problems = append(out.problems, brand.Problem{File: r.Path, Line: p.Line, Column: p.Column,
			Severity: sev, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)})
		out.unreachable = out.unreachable || unreachable
	}
	if cfg.CIAM.Issuer != "" {
		wg.Go(func() { o.checkDiscovery(cfg, add) })
	}
	wg.Go(func() { o.checkJWKS(cfg, fetcher, add) })
	wg.Go(func() { o.checkUserinfo(cfg, add) })
	wg.Wait()
	return out
}

type addFunc func(field string, sev brand.Severity, unreachable bool, format string, args ...any)

func (o *ValidateOptions) checkDiscovery(cfg *brand.Config, add addFunc) {
	f := o.Factory
	ctx, cancel := context.WithTimeout(o.Ctx, f.Globals.Timeout)
	defer cancel()
	p, err := oidc.Discover(ctx, f.HTTPClient(), cfg.CIAM.Issuer)
	if err != nil {
		add("ciam.issuer", brand.SeverityError, unreachable(err), "%s", err)
		return
	}
	if p.JWKSURI != cfg.CIAM.JWKSURI {
		add("ciam.jwksUri", brand.SeverityWarning, false, "discovery publishes jwks_uri %q, not this one; check which is right", p.JWKSURI)
	}
	if p.UserinfoEndpoint != "" && p.UserinfoEndpoint != cfg.CIAM.UserinfoEndpoint {
		add("ciam.userinfoEndpoint", brand.SeverityWarning, false, "discovery publishes userinfo_endpoint %q, not this one; check which is right", p.UserinfoEndpoint)
	}
	if supported := p.IDTokenSigningAlgValuesSupported; len(supported) > 0 {
		allowed := allowedAlgs(cfg)
		if !slices.ContainsFunc(supported, func(a string) bool { return allowed[a] }) {
			add("ciam.algorithms", brand.SeverityError, false, "the CIAM signs ID tokens with %s and none of them is allowed (%s)",
				strings.Join(supported, ", "), strings.Join(sortedKeys(allowed), ", "))
		}
	}
}

func (o *ValidateOptions) checkJWKS(cfg *brand.Config, fetcher *jwks.Fetcher, add addFunc) {
	const field = "ciam.jwksUri"
	set, err := fetcher.Load(o.Ctx, cfg.CIAM.JWKSURI)
	if set == nil {
		add(field, brand.SeverityError, unreachable(err), "%s", err)
		return
	}
	for _, p := range set.Problems {
		sev := brand.SeverityWarning
		if p.Severity == jwks.SeverityError {
			sev = brand.SeverityError
		}
		if p.Kid == "" {
			add(field, sev, false, "JWKS: %s", p.Message)
		} else {
			add(field, sev, false, "JWKS key %q: %s", p.Kid, p.Message)
		}
	}
	if len(set.Usable()) == 0 {
		return // already reported by the set's own problems
	}
	allowed := allowedAlgs(cfg)
	for _, k := range set.Keys {
		if !k.Usable {
			continue
		}
		if k.Alg != "" && allowed[k.Alg] {
			return
		}
		for a := range allowed {
			if k.Alg == "" && jwks.AlgFits(a, k.Kty, k.Curve) {
				return
			}
		}
	}
	where := field
	if len(cfg.CIAM.Algorithms) > 0 {
		where = "ciam.algorithms"
	}
	add(where, brand.SeverityError, false, "no usable key in the JWKS can verify an allowed algorithm (%s), so no token would verify",
		strings.Join(sortedKeys(allowed), ", "))
}

// checkUserinfo probes the userinfo endpoint without a token: 401 or 403
// (and 400 or 405, which some servers send instead) show it is there.
func (o *ValidateOptions) checkUserinfo(cfg *brand.Config, add addFunc) {
	const field = "ciam.userinfoEndpoint"
	f := o.Factory
	url := cfg.CIAM.UserinfoEndpoint
	ctx, cancel := context.WithTimeout(o.Ctx, f.Globals.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		add(field, brand.SeverityError, false, "invalid URL: %v", err)
		return
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ciamctl")
	client := *f.HTTPClient()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		add(field, brand.SeverityError, true, "GET %s: %s", url, httpget.Describe(err))
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300, code == http.StatusUnauthorized, code == http.StatusForbidden,
		code == http.StatusBadRequest, code == http.StatusMethodNotAllowed:
		// Reachable: without a token, a refusal is the expected answer.
	case code >= 500 || code == http.StatusTooManyRequests:
		add(field, brand.SeverityError, true, "GET %s: HTTP %s (server failure; try again later)", url, resp.Status)
	case code >= 300 && code < 400:
		add(field, brand.SeverityError, false, "GET %s: redirects (HTTP %d) to %q; configure the final URL", url, code, resp.Header.Get("Location"))
	default:
		add(field, brand.SeverityError, false, "GET %s: HTTP %s; check the URL", url, resp.Status)
	}
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

func allowedAlgs(cfg *brand.Config) map[string]bool {
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

// positions re-reads a brand file for the places of its fields; online
// problems point at the value they are about.
func positions(path string) brand.Positions {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	_, pos, _ := brand.Decode(data)
	return pos
}
