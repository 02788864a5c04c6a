package profile

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A keychain call that never returns (an unlock prompt nobody answers)
// ends with the command's context, as an unavailable keychain.
func TestKeychainCallEndsWithContext(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	_, err := withContext(ctx, func() (string, error) { <-block; return "late", nil })
	var u *UnavailableError
	if !errors.As(err, &u) || !errors.Is(err, ErrNoKeychain) || !strings.Contains(u.Reason, "did not answer in time") {
		t.Fatalf("err = %v", err)
	}
}
