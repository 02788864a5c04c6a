package configcmd

import (
	"context"
	"fmt"
	"sync"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/probe"
)

// onlineConcurrency bounds how many brands are checked at once; each brand
// makes up to three requests (discovery, JWKS, userinfo) in parallel.
const onlineConcurrency = 64

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
	prober := &probe.Prober{Client: f.HTTPClient(), Fetcher: f.JWKSFetcher(o.NoCache), Timeout: f.Globals.Timeout}
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
			outcomes[i] = o.onlineBrand(r, prober)
		})
	}
	label := fmt.Sprintf("Checking %d %s online", st.checked, cmdutil.Plural(st.checked, "brand"))
	stop := f.IOStreams.StartProgress(label)
	wg.Wait()
	stop()

	for i := range results {
		out := outcomes[i]
		for _, fd := range out.findings {
			results[i].AddProblem(fd.Field, fd.Severity, fd.Field+": "+fd.Message)
		}
		if out.unreachable {
			st.unreachable = append(st.unreachable, results[i].Config.Brand)
		}
	}
	return st
}

// onlineOutcome is what the remote checks found for one brand file.
type onlineOutcome struct {
	findings    []probe.Finding
	unreachable bool
}

// onlineBrand checks one brand's CIAM (discovery when the issuer is set, the
// JWKS, the userinfo endpoint).
func (o *ValidateOptions) onlineBrand(r brand.FileResult, p *probe.Prober) onlineOutcome {
	var out onlineOutcome
	for _, res := range p.Brand(o.Ctx, r.Config) {
		out.findings = append(out.findings, res.Findings...)
		out.unreachable = out.unreachable || res.Unreachable()
	}
	return out
}
