// Package profiletest has an in-memory keychain for tests: commands under
// test never touch the user's real keychain.
package profiletest

import (
	"context"
	"sync"

	"github.com/ciamctl/ciamctl/internal/profile"
)

// Keychain holds items in memory. With Unavailable set it refuses every
// call as an unusable OS keychain would.
type Keychain struct {
	mu          sync.Mutex
	items       map[string]string
	Unavailable string // the reason; "" when usable
}

// NewKeychain returns an empty, usable keychain.
func NewKeychain() *Keychain { return &Keychain{items: map[string]string{}} }

func key(service, account string) string { return service + "\x00" + account }

func (k *Keychain) refuse() error {
	if k.Unavailable != "" {
		return &profile.UnavailableError{Reason: k.Unavailable}
	}
	return nil
}

// Set stores a secret.
func (k *Keychain) Set(_ context.Context, service, account, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.refuse(); err != nil {
		return err
	}
	k.items[key(service, account)] = secret
	return nil
}

// Get returns a secret or profile.ErrItemNotFound.
func (k *Keychain) Get(_ context.Context, service, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.refuse(); err != nil {
		return "", err
	}
	v, ok := k.items[key(service, account)]
	if !ok {
		return "", profile.ErrItemNotFound
	}
	return v, nil
}

// Delete removes a secret, or answers profile.ErrItemNotFound.
func (k *Keychain) Delete(_ context.Context, service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.refuse(); err != nil {
		return err
	}
	if _, ok := k.items[key(service, account)]; !ok {
		return profile.ErrItemNotFound
	}
	delete(k.items, key(service, account))
	return nil
}

// Items returns a copy of what is stored, "service\x00account" → secret.
func (k *Keychain) Items() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make(map[string]string, len(k.items))
	for n, v := range k.items {
		out[n] = v
	}
	return out
}

// SetUnavailable makes the keychain refuse calls (reason != "") or accept them.
func (k *Keychain) SetUnavailable(reason string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.Unavailable = reason
}
