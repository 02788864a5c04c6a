package intouch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	if (ae.Status == http.StatusTooManyRequests || ae.HasCode(CodeRateLimited)) && ae.Hint == "" {
		// Say plainly that the limit, not the server, ended the command (the limit is per API key per minute).
		ae.Hint = "the platform's rate limit (calls per API key per minute) ended the command, not a server failure: run it again in the next minute, or ask the platform team to raise the key's limit"
	}
	if field := ae.MandatoryField(); field != "" && ae.Status == 403 {
		ae.Hint = mandatoryFieldHint(field)
		return meta, &MandatoryFieldError{Field: field, Err: ae}
	}
	return meta, err
}
