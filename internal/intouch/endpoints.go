package intouch

import (
	"fmt"
	"net/url"
	"strings"
)

// EndpointID names one platform call; the path and method live only in the endpoints table below.
type EndpointID string

const (
	EPTokenGenerate    EndpointID = "token.generate"
	EPListSources      EndpointID = "sources.list"
	EPGetSource        EndpointID = "sources.get"
	EPCreateSource     EndpointID = "sources.create"
	EPAddCustomer      EndpointID = "customers.add"
	EPLookupCustomer   EndpointID = "customers.lookup"
	EPGetCustomer      EndpointID = "customers.get"
	EPUpdateCustomer   EndpointID = "customers.update"
	EPChangeIdentifier EndpointID = "customers.changeIdentifier"
)

// Endpoint describes one call. Path placeholders {orgId} and {id} are filled (path-escaped) by Path.
type Endpoint struct {
	Method string
	Path   string
	// Query holds fixed query parameters; call-specific ones are added by the caller.
	Query url.Values
	// Auth is false only for the token call itself.
	Auth bool
	// Idempotent calls may be retried after any transient failure, even if the server may have seen them.
	Idempotent bool
	// Inferred is empty for a call the API reference documents as used; otherwise it says what is inferred
	// (from the CIAM integration guide), and errors and --debug name it.
	Inferred string
}

// Documented reports whether the reference documents the call as the client uses it.
func (ep Endpoint) Documented() bool { return ep.Inferred == "" }

// Inference notes used in the table and by calls whose use of a documented endpoint is inferred.
const (
	inferredOAuthExternalSource = "the reference documents creating sources, not that OAUTH_EXTERNAL may be created through the API (the integration guide does it in the UI)"
	inferredCUIDLookup          = "the reference documents lookup by mobile, email, externalId, cardnumber, wechat, martjackId, fbId; lookup by cuid under OAUTH_EXTERNAL follows the integration guide"
)

// endpoints is the single table of platform paths (see /shared/INTOUCH.md), each documented or inferred.
// Customer calls take the mandatory source and accountId query parameters from the caller. A correction to
// the platform's API is one edit here.
var endpoints = []struct {
	id    EndpointID
	ep    Endpoint
	query string // the fixed query, as Endpoint.Query (a url.Values here would be a map built at start-up)
}{
	// Minting a token has no side effect worth protecting, so it is treated as idempotent.
	{EPTokenGenerate, Endpoint{Method: "POST", Path: "/v3/oauth/token/generate", Auth: false, Idempotent: true}, ""},
	{EPListSources, Endpoint{Method: "GET", Path: "/v2/org/{orgId}/sources", Auth: true, Idempotent: true}, "details=true"},
	{EPGetSource, Endpoint{Method: "GET", Path: "/v2/org/{orgId}/sources/{uuid}", Auth: true, Idempotent: true}, ""},
	{EPCreateSource, Endpoint{Method: "POST", Path: "/v2/org/{orgId}/sources", Auth: true, Inferred: inferredOAuthExternalSource}, ""},
	{EPAddCustomer, Endpoint{Method: "POST", Path: "/v2/customers", Auth: true}, ""},
	{EPLookupCustomer, Endpoint{Method: "GET", Path: "/v2/customers/lookup", Auth: true, Idempotent: true}, ""},
	{EPGetCustomer, Endpoint{Method: "GET", Path: "/v2/customers/{id}", Auth: true, Idempotent: true}, ""},
	{EPUpdateCustomer, Endpoint{Method: "PUT", Path: "/v2/customers/{id}", Auth: true}, ""},
	{EPChangeIdentifier, Endpoint{Method: "POST", Path: "/v2/customers/{id}/changeIdentifier", Auth: true}, ""},
}

// EndpointIDs lists the table's calls in order.
func EndpointIDs() []EndpointID {
	ids := make([]EndpointID, len(endpoints))
	for i, e := range endpoints {
		ids[i] = e.id
	}
	return ids
}

// EndpointOf returns the table entry for id; an unknown id has an empty Method.
func EndpointOf(id EndpointID) Endpoint {
	for _, e := range endpoints {
		if e.id == id {
			ep := e.ep
			if e.query != "" {
				ep.Query, _ = url.ParseQuery(e.query) // each caller gets its own
			}
			return ep
		}
	}
	return Endpoint{}
}

// endpoint returns the table entry or panics: a missing entry is a programming error.
func endpoint(id EndpointID) Endpoint {
	ep := EndpointOf(id)
	if ep.Method == "" {
		panic(fmt.Sprintf("intouch: no endpoint %q in the table", id))
	}
	return ep
}

// URL builds the path and query for the endpoint; params fill {placeholders}, query adds parameters.
func (ep Endpoint) URL(base string, params map[string]string, query url.Values) (string, error) {
	p := ep.Path
	for k, v := range params {
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(v))
	}
	if i := strings.IndexByte(p, '{'); i >= 0 {
		return "", fmt.Errorf("%w: endpoint %s %s: placeholder left unfilled", ErrConfig, ep.Method, ep.Path)
	}
	q := url.Values{}
	for k, vs := range ep.Query {
		q[k] = append([]string(nil), vs...)
	}
	for k, vs := range query {
		q[k] = append(q[k], vs...)
	}
	u := strings.TrimRight(base, "/") + p
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u, nil
}
