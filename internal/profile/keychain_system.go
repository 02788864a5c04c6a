package profile

import (
	"context"
	"errors"
	"strings"

	"github.com/zalando/go-keyring"
)

// SystemKeychain is the OS keychain through go-keyring: the Secret Service
// over D-Bus on Linux and the BSDs, the login Keychain on macOS, the
// Credential Manager on Windows. It holds no state: nothing happens until a
// method is called, so commands that use no profile pay nothing for it.
type SystemKeychain struct{}

// Set stores secret under service/account, replacing an existing item.
func (SystemKeychain) Set(ctx context.Context, service, account, secret string) error {
	if err := keychainReachable(); err != nil {
		return err
	}
	_, err := withContext(ctx, func() (struct{}, error) { return struct{}{}, keyring.Set(service, account, secret) })
	return systemError(err)
}

// Get returns the secret under service/account.
func (SystemKeychain) Get(ctx context.Context, service, account string) (string, error) {
	if err := keychainReachable(); err != nil {
		return "", err
	}
	s, err := withContext(ctx, func() (string, error) { return keyring.Get(service, account) })
	return s, systemError(err)
}

// Delete removes the item under service/account.
func (SystemKeychain) Delete(ctx context.Context, service, account string) error {
	if err := keychainReachable(); err != nil {
		return err
	}
	_, err := withContext(ctx, func() (struct{}, error) { return struct{}{}, keyring.Delete(service, account) })
	return systemError(err)
}

// systemError sorts go-keyring's errors: a missing item, or a keychain that
// cannot be used (any other failure: no Secret Service on the bus, a locked
// collection, an unsupported platform).
func systemError(err error) error {
	var unavailable *UnavailableError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrItemNotFound
	case errors.As(err, &unavailable):
		return err
	}
	// D-Bus errors are one-line names and messages; they never carry the secret.
	return &UnavailableError{Reason: strings.Join(strings.Fields(err.Error()), " ")}
}
