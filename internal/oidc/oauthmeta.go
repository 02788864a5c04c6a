package oidc

import (
	"encoding/json"
	"fmt"
)

// OAuth is what discovery says about getting tokens (OIDC Discovery §3,
// RFC 8414 §2, RFC 8628 §4): the endpoints and what they support. Absent
// lists stay nil, so callers can apply the documented defaults.
type OAuth struct {
	AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	// RevocationEndpointAuthMethodsSupported is RFC 8414 §2's; absent means client_secret_basic.
	RevocationEndpointAuthMethodsSupported []string `json:"revocation_endpoint_auth_methods_supported,omitempty"`
	CodeChallengeMethodsSupported          []string `json:"code_challenge_methods_supported,omitempty"`
	ScopesSupported                        []string `json:"scopes_supported,omitempty"`
	// Err says which member had the wrong type. Only getting tokens
	// depends on these members, so discovery itself still succeeds (brand
	// add --discover and config validate --online need none of them);
	// token fetch refuses to guess.
	Err error `json:"-"`
}

// readOAuth fills p.OAuth from the discovery document; a member of the
// wrong type sets p.OAuth.Err, naming it. The URLs are checked by whoever
// uses them, since only the flow chosen needs its endpoint.
func (p *Provider) readOAuth(doc []byte) {
	if err := p.OAuth.read(doc); err != nil {
		p.OAuth = OAuth{Err: fmt.Errorf("discovery document: %w", err)}
	}
}

func (o *OAuth) read(doc []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(doc, &raw); err != nil {
		return err
	}
	str := func(name string, dst *string) error {
		if v, ok := raw[name]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("%s is not a string", name)
			}
		}
		return nil
	}
	list := func(name string, dst *[]string) error {
		if v, ok := raw[name]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("%s is not an array of strings", name)
			}
		}
		return nil
	}
	for _, err := range []error{
		str("authorization_endpoint", &o.AuthorizationEndpoint),
		str("device_authorization_endpoint", &o.DeviceAuthorizationEndpoint),
		list("grant_types_supported", &o.GrantTypesSupported),
		list("response_types_supported", &o.ResponseTypesSupported),
		list("token_endpoint_auth_methods_supported", &o.TokenEndpointAuthMethodsSupported),
		list("revocation_endpoint_auth_methods_supported", &o.RevocationEndpointAuthMethodsSupported),
		list("code_challenge_methods_supported", &o.CodeChallengeMethodsSupported),
		list("scopes_supported", &o.ScopesSupported),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
