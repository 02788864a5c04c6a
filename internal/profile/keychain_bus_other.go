//go:build !unix || darwin

package profile

// keychainReachable: macOS and Windows always have their keychain; go-keyring
// reports the rare failure itself.
func keychainReachable() error { return nil }
