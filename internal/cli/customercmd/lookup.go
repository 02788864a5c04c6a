package customercmd

import (
	"context"
	"fmt"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
)

// lookupCUID finds the customer of a CIAM user and reads its record: a
// customer merged into another (8069, from the lookup or the read) is
// followed to the survivor and noted; every warning is kept.
func lookupCUID(ctx context.Context, client *intouch.Client, accountID, cuid string) (LookupResult, error) {
	src := intouch.SourceOAuthExternal
	r, err := client.Lookup(ctx, src, accountID, intouch.IdentifierCUID, cuid)
	if err != nil {
		return LookupResult{}, cmdutil.IntouchError(err)
	}
	if !r.Found {
		hint := "the customer is created at the user's first login through the gateway; try `ciamctl flow login --brand NAME TOKEN --apply`"
		if r.NotFoundCode == intouch.CodeNotFound {
			hint += "; the lookup by cuid is an inferred call, which an org may answer 8015 for every cuid: `flow login` then also looks the customer up by the token's mobile and email"
		}
		return LookupResult{}, cmdutil.WithHint(fmt.Errorf("%w: no customer has cuid %s under %s account %s in org %s (code %d)",
			ErrNotFound, cuid, src, accountID, client.OrgID(), r.NotFoundCode), "%s", hint)
	}
	out := LookupResult{Found: true, CUID: cuid, Warnings: r.Warnings}
	if r.Merged {
		out.Notes = append(out.Notes, fmt.Sprintf("the customer with this cuid was merged into customer %d (8069): shown is the survivor", r.ID))
	}
	cust, err := client.GetCustomer(ctx, r.ID, src, accountID)
	if err != nil {
		return LookupResult{}, cmdutil.IntouchError(err)
	}
	out.Warnings = append(out.Warnings, cust.Warnings...)
	if cust.ID != r.ID {
		out.Notes = append(out.Notes, fmt.Sprintf("customer %d was merged into customer %d (8069): shown is the survivor", r.ID, cust.ID))
	}
	out.CustomerID = cust.ID
	p, _ := cust.Profile(src, accountID)
	if p.Identifiers == nil {
		p.Identifiers = []intouch.Identifier{}
	}
	out.Profile = p
	return out, nil
}
