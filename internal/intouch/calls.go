package intouch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// do is call plus what the client knows about the platform's answers: a failure of an inferred call (or an
// inferred use of a documented one) says so, in the error and in the --debug trace, and a 403 naming a
// mandatory field becomes a MandatoryFieldError instead of an authentication failure.
func (c *Client) do(ctx context.Context, id EndpointID, inferred string, params map[string]string, query url.Values, in, out any) (Meta, error) {
	ep := endpoint(id)
	if inferred == "" {
		inferred = ep.Inferred
	}
	if inferred != "" && c.cfg.Debug != nil {
		fmt.Fprintf(c.cfg.Debug, "intouch: note: %s %s is an inferred call: %s\n", ep.Method, ep.Path, inferred)
	}
	meta, err := c.call(ctx, id, params, query, in, out)
	if err == nil {
		return meta, nil
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return meta, err
	}
	ae.Inferred = inferred
	if field := ae.MandatoryField(); field != "" && ae.Status == 403 {
		ae.Hint = mandatoryFieldHint(field)
		return meta, &MandatoryFieldError{Field: field, Err: ae}
	}
	return meta, err
}
