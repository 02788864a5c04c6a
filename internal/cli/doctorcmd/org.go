package doctorcmd

import (
	"fmt"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// orgCheck compares the org the credentials act for (the access token's
// org_id) with the org the brand is for. listed says whether the channel
// listing, the one call that names the org, went through.
func orgCheck(opts *Options, client *intouch.Client, cfg *brand.Config, listed bool) Check {
	c := Check{Name: "org", Status: statusOK}
	if client == nil {
		c.Status, c.Detail = statusSkipped, "not checked: no platform access"
		return c
	}
	target := client.OrgID()
	if cfg != nil && cfg.OrgID != 0 && cfg.Org() != target {
		c.add(brand.SeverityWarning, fmt.Sprintf("--org-id or %s names org %s, not the brand's orgId %s: every call is for org %s", intouch.EnvOrgID, target, cfg.Org(), target))
	}
	orgs, err := client.Orgs(opts.Ctx)
	switch {
	case target == "":
		c.Status, c.Detail = statusSkipped, "not checked: no org (set orgId in the brand file, --org-id or "+intouch.EnvOrgID+")"
	case err != nil:
		c.Status, c.Detail = statusFailed, oneLine(err)
	case !orgs.Known():
		c.Status = statusWarning
		c.Detail = fmt.Sprintf("not checked: Basic credentials carry no org; customer calls act on the credentials' own org, which must be org %s (only the channel calls name the org, and they %s)", target, passed(listed))
	case !orgs.ViaHeader:
		c.Detail = fmt.Sprintf("the credentials act for org %s", target)
	case listed:
		c.Detail = fmt.Sprintf("the credentials act for org %s, a parent of org %s: every call carries %s: %s", orgs.Credentials, target, intouch.HeaderActOnOrg, target)
	default:
		c.Status = statusFailed
		c.Detail = fmt.Sprintf("the credentials act for org %s, not org %s, and the platform refused to act on org %s for them (%s; only a parent org's credentials may act on a child org): use org %s's credentials or fix the org", orgs.Credentials, target, target, intouch.HeaderActOnOrg, target)
	}
	return c
}

func passed(ok bool) string {
	if ok {
		return "passed"
	}
	return "failed"
}
