package brandcmd

import (
	"fmt"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// discover fills the CIAM endpoints from the issuer's discovery document.
// Values given as flags win: the user may know better than the document.
func (o *AddOptions) discover(cfg *brand.Config) error {
	f := o.Factory
	if err := brand.ValidateURL(o.Discover); err != nil {
		return cmdutil.FlagErrorf("--discover: %s", err)
	}
	ctx, cancel := deadline.With(o.Ctx, f.Globals.Timeout, "--timeout")
	defer cancel()
	stop := f.IOStreams.StartProgress("Fetching " + oidc.WellKnownURL(o.Discover))
	p, err := oidc.Discover(ctx, f.HTTPClient(), o.Discover)
	stop()
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("--discover: %w", err),
			"check the issuer URL, or pass --jwks-uri and --userinfo-endpoint yourself")
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&cfg.CIAM.Issuer, p.Issuer)
	fill(&cfg.CIAM.JWKSURI, p.JWKSURI)
	fill(&cfg.CIAM.UserinfoEndpoint, p.UserinfoEndpoint)
	o.noDiscoveredUserinfo = cfg.CIAM.UserinfoEndpoint == ""
	return nil
}
