package profile

import (
	"context"
	"errors"
	"fmt"
)

// KeychainService is the service name ciamctl's items have in the OS
// keychain; the account is the profile name (as gh uses "gh:github.com"
// and the user name).
const KeychainService = "ciamctl:intouch"

// Keychain is the OS keychain, or a fake in tests. Every call is bounded by
// ctx: a keychain that waits for an unlock prompt nobody answers must not
// hold the command past its --timeout.
type Keychain interface {
	Set(ctx context.Context, service, account, secret string) error
	Get(ctx context.Context, service, account string) (string, error)
	Delete(ctx context.Context, service, account string) error
}

// ErrNoKeychain marks a keychain that cannot be used here (no D-Bus
// session, no Secret Service, locked, not answering).
var ErrNoKeychain = errors.New("no OS keychain")

// UnavailableError says why the keychain cannot be used, in a few words
// ("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset").
type UnavailableError struct{ Reason string }

func (e *UnavailableError) Error() string        { return "no OS keychain: " + e.Reason }
func (e *UnavailableError) Is(target error) bool { return target == ErrNoKeychain }

// ErrSecretMissing marks a profile whose secret is not where its
// secretStore says (removed from the keychain by hand, file deleted).
var ErrSecretMissing = errors.New("secret missing")

// ErrItemNotFound is what a Keychain returns from Get or Delete for an item
// that does not exist.
var ErrItemNotFound = errors.New("no such keychain item")

// NoKeychain is a Keychain that is never available, for builds and tests
// without one.
type NoKeychain struct{ Reason string }

func (n NoKeychain) err() error {
	r := n.Reason
	if r == "" {
		r = "none configured"
	}
	return &UnavailableError{Reason: r}
}
func (n NoKeychain) Set(context.Context, string, string, string) error { return n.err() }
func (n NoKeychain) Get(context.Context, string, string) (string, error) {
	return "", n.err()
}
func (n NoKeychain) Delete(context.Context, string, string) error { return n.err() }

// withContext runs a keychain call that cannot be cancelled (go-keyring has
// no context) and gives up when ctx ends; the call then finishes, or not,
// on its own while the command exits, as gh's keyring wrapper does.
func withContext[T any](ctx context.Context, call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := call()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, &UnavailableError{Reason: fmt.Sprintf("the keychain did not answer in time (%v)", context.Cause(ctx))}
	}
}
