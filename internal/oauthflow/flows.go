package oauthflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ciamctl/ciamctl/internal/oidc"
)

// Flows, as --flow names them, in the order they are listed.
const (
	FlowCode              = "code"
	FlowClientCredentials = "client-credentials"
	FlowPassword          = "password"
	FlowDevice            = "device"
)

// AllFlows lists every flow ciamctl can run.
func AllFlows() []string {
	return []string{FlowCode, FlowClientCredentials, FlowPassword, FlowDevice}
}

// Grant types as discovery lists them.
const (
	grantAuthorizationCode = "authorization_code"
	grantClientCredentials = "client_credentials"
	grantPassword          = "password"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
)

// Offered lists the flows the CIAM advertises. Without grant_types_supported
// discovery's default applies (authorization_code and implicit, OIDC
// Discovery §3); the code flow also needs an authorization_endpoint and the
// device flow a device_authorization_endpoint (RFC 8628 §4).
func Offered(o oidc.OAuth) []string {
	grants := o.GrantTypesSupported
	has := func(g string) bool { return slices.Contains(grants, g) }
	var out []string
	if o.AuthorizationEndpoint != "" && (grants == nil || has(grantAuthorizationCode)) {
		out = append(out, FlowCode)
	}
	if has(grantClientCredentials) {
		out = append(out, FlowClientCredentials)
	}
	if has(grantPassword) {
		out = append(out, FlowPassword)
	}
	if o.DeviceAuthorizationEndpoint != "" && (grants == nil || has(grantDeviceCode)) {
		out = append(out, FlowDevice)
	}
	return out
}

// ErrNotOffered marks a flow the CIAM does not advertise: a usage error
// (exit 2), since another --flow may work.
var ErrNotOffered = errors.New("flow not offered by the CIAM")

// NotOfferedError names the flow asked for and those the CIAM does offer.
type NotOfferedError struct {
	Flow    string
	Offered []string
}

func (e *NotOfferedError) Error() string {
	if len(e.Offered) == 0 {
		return fmt.Sprintf("--flow %s: the CIAM's discovery document advertises no flow ciamctl can use", e.Flow)
	}
	return fmt.Sprintf("--flow %s: the CIAM's discovery document does not advertise it; it offers %s", e.Flow, strings.Join(e.Offered, ", "))
}

func (e *NotOfferedError) Is(target error) bool { return target == ErrNotOffered }

// CheckOffered returns a *NotOfferedError unless the CIAM advertises flow.
func CheckOffered(o oidc.OAuth, flow string) error {
	offered := Offered(o)
	if slices.Contains(offered, flow) {
		return nil
	}
	return &NotOfferedError{Flow: flow, Offered: offered}
}
