package cli

import (
	"errors"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/oauthflow"
	"github.com/ciamctl/ciamctl/internal/oidc"
	"github.com/ciamctl/ciamctl/internal/rp"
	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// ExitCode maps an error to the contract's exit codes. Every sentinel that
// decides a code is listed here and nowhere else.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, cmdutil.ErrUsage),
		errors.Is(err, cmdutil.ErrCancelled),
		errors.Is(err, cmdutil.ErrBrandUnusable),
		errors.Is(err, workspace.ErrNotFound),
		errors.Is(err, workspace.ErrExists),
		errors.Is(err, jwks.ErrBadLocation),
		errors.Is(err, intouch.ErrConfig),
		errors.Is(err, oauthflow.ErrNotOffered):
		return ExitUsage
	case errors.Is(err, cmdutil.ErrInvalid),
		errors.Is(err, rp.ErrRefused), errors.Is(err, rp.ErrUnsafeURL), // the token or document checked is bad
		errors.Is(err, intouch.ErrRejected): // before ErrAuth: a registration rule is not a credentials problem
		return ExitInvalid
	case errors.Is(err, workspace.ErrIO),
		errors.Is(err, jwks.ErrUnavailable),
		errors.Is(err, intouch.ErrUnavailable),
		errors.Is(err, intouch.ErrAuth):
		return ExitRemote
	case errors.Is(err, cmdutil.ErrFailed),
		errors.Is(err, brand.ErrInvalid),
		errors.Is(err, safefile.ErrSkipped),
		errors.Is(err, oidc.ErrMismatch),
		errors.Is(err, oauthflow.ErrRefused):
		return ExitInvalid
	}
	return ExitInvalid
}
