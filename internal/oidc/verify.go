package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// Verify checks one ID token against the policy. It never panics on bad
// input and never returns an error: everything is in the Result.
// Oversized is the result for a token of size bytes over MaxTokenBytes, for
// callers that stop reading at the limit rather than hold the whole input.
func Oversized(size int64) Result {
	var cl checklist
	cl.fail(CheckFormat, ReasonMalformed, fmt.Sprintf("token is %d bytes; the limit is %d KiB", size, MaxTokenBytes>>10))
	return cl.result(nil, nil)
}

func (v *Verifier) Verify(ctx context.Context, token string) Result {
	return v.verify(ctx, newKeyState(v.src), token)
}

func (v *Verifier) verify(ctx context.Context, ks *keyState, token string) Result {
	// Length first: nothing else is done with an oversized input.
	if len(token) > MaxTokenBytes {
		return Oversized(int64(len(token)))
	}
	cl := newChecklist()
	t, err := parseCompact(strings.TrimSpace(token), true)
	if err != nil {
		cl.fail(CheckFormat, ReasonMalformed, err.Error())
		return cl.result(nil, nil)
	}
	header, claims := json.RawMessage(t.headerJSON), json.RawMessage(t.payload)
	if err := t.checkNesting(); err != nil {
		cl.fail(CheckFormat, ReasonMalformed, err.Error())
		return cl.result(header, claims)
	}
	cl.pass(CheckFormat, "signed JWT: header and payload are JSON objects")
	if detail, err := t.checkCrit(); err != nil {
		cl.fail(CheckCrit, ReasonMalformed, err.Error())
	} else {
		cl.pass(CheckCrit, detail)
	}
	t.checkType(&cl)
	v.checkSignature(ctx, ks, t, &cl)
	v.checkClaims(t.payload, &cl)
	if v.binds() {
		v.checkBindings(t, &cl)
	}
	return cl.result(header, claims)
}

// SignatureError is why VerifySignature failed; Reason is one of the Reason*
// constants.
type SignatureError struct {
	Reason string
	Detail string
}

func (e *SignatureError) Error() string { return e.Reason + ": " + e.Detail }

// VerifySignature checks only the JWS signature of a compact token with
// keys from set, under the same algorithm and key-selection rules as Verify
// (no refresh, no claim checks, any payload). It returns the payload. An
// empty algorithms list means DefaultAlgorithms.
func VerifySignature(token string, set *jwks.Set, algorithms []string) ([]byte, error) {
	v, err := NewVerifier(Policy{Algorithms: algorithms}, StaticSource{S: set})
	if err != nil {
		return nil, err
	}
	t, err := parseCompact(strings.TrimSpace(token), false)
	if err != nil {
		return nil, &SignatureError{Reason: ReasonMalformed, Detail: err.Error()}
	}
	if err := t.checkNesting(); err != nil {
		return nil, &SignatureError{Reason: ReasonMalformed, Detail: err.Error()}
	}
	var cl checklist
	if _, err := t.checkCrit(); err != nil {
		cl.fail(CheckCrit, ReasonMalformed, err.Error())
	}
	v.checkSignature(context.Background(), newKeyState(v.src), t, &cl)
	if r := cl.result(nil, nil); !r.Valid {
		return nil, &SignatureError{Reason: r.Reason, Detail: r.Error}
	}
	return t.payload, nil
}
