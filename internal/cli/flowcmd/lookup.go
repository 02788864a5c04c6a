package flowcmd

import (
	"context"
	"fmt"
	"io"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/mapping"
)

// findCustomer is the gateway's lookup: by cuid (the token's sub) under
// OAUTH_EXTERNAL and the brand's account. Lookup by cuid is an inferred call:
// an org that answers 8015 ("not found") for it may not look customers up by
// cuid at all, so the token's mobile, then its email, are tried before the
// customer is taken as new, and the result says so. A merged customer (8069)
// is followed to its survivor. Every call, warning and note lands in out.
func findCustomer(ctx context.Context, c *intouch.Client, p mapping.Profile, out *LoginResult) (int64, bool, error) {
	src, acc := intouch.SourceOAuthExternal, out.AccountID
	tries := []intouch.Identifier{{Type: intouch.IdentifierCUID, Value: out.CUID}}
	for i := 0; i < len(tries); i++ {
		id := tries[i]
		q := intouch.CustomerQuery(src, acc)
		q.Set("identifierName", id.Type)
		q.Set("identifierValue", id.Value)
		call := cmdutil.NewCall(intouch.EPLookupCustomer, nil, q, nil)
		r, err := c.Lookup(ctx, src, acc, id.Type, id.Value)
		if err != nil {
			call.Result = "failed"
			out.Calls = append(out.Calls, call)
			return 0, false, err
		}
		call.Made = true
		out.Warnings = append(out.Warnings, r.Warnings...)
		switch {
		case r.Found && r.Merged:
			call.Result = fmt.Sprintf("customer %d (survivor of a merge, 8069)", r.ID)
			out.Notes = append(out.Notes, fmt.Sprintf("the customer with %s %s was merged into customer %d (8069): the login continues with the survivor", id.Type, id.Value, r.ID))
		case r.Found:
			call.Result = fmt.Sprintf("customer %d", r.ID)
		default:
			call.Result = fmt.Sprintf("not found (%d)", r.NotFoundCode)
		}
		out.Calls = append(out.Calls, call)
		if r.Found {
			if id.Type != intouch.IdentifierCUID {
				out.Notes = append(out.Notes, fmt.Sprintf("found customer %d by %s, not by cuid: the org answered 8015 to the lookup by cuid, an inferred call (the reference documents lookups by mobile, email and other identifiers, not by cuid)", r.ID, id.Type))
			}
			return r.ID, true, nil
		}
		if i == 0 && r.NotFoundCode == intouch.CodeNotFound {
			for _, fb := range []intouch.Identifier{{Type: intouch.IdentifierMobile, Value: p.Mobile}, {Type: intouch.IdentifierEmail, Value: p.Email}} {
				if fb.Value != "" {
					tries = append(tries, fb)
				}
			}
			if len(tries) > 1 {
				out.Notes = append(out.Notes, "no customer by cuid (8015); as the lookup by cuid is an inferred call, which an org may answer 8015 for every cuid, the token's mobile and email were tried as well")
			}
		}
	}
	return 0, false, nil
}

// survivor follows a GET answered for a merged customer (8069: the record is
// the survivor's) and notes it; it returns the id to continue with.
func survivor(asked int64, cust intouch.Customer, out *LoginResult) int64 {
	out.Warnings = append(out.Warnings, cust.Warnings...)
	if cust.ID != 0 && cust.ID != asked {
		out.Notes = append(out.Notes, fmt.Sprintf("customer %d was merged into customer %d (8069): the login continues with the survivor", asked, cust.ID))
		out.CustomerID = &cust.ID
		return cust.ID
	}
	return asked
}

// written keeps a write's warnings and notes a merge it reports (the
// customer then answers as the survivor, CreatedID).
func written(res intouch.WriteResponse, err error) func(*LoginResult) error {
	return func(out *LoginResult) error {
		if err != nil {
			return err
		}
		out.Warnings = append(out.Warnings, res.Warnings...)
		if res.Merged() && out.CustomerID != nil && res.CreatedID != *out.CustomerID {
			out.Notes = append(out.Notes, fmt.Sprintf("customer %d was merged into customer %d", *out.CustomerID, res.CreatedID))
			out.CustomerID = &res.CreatedID
		}
		return nil
	}
}

// writeWarningsAndNotes prints the platform's warnings and the flow's notes.
func writeWarningsAndNotes(w io.Writer, cs *iostreams.ColorScheme, r LoginResult) {
	cmdutil.WriteIntouchWarnings(w, cs, r.Warnings)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%s %s\n", cs.Gray("note:"), iostreams.SafeText(n))
	}
}
