package oauthflow

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Budget is the command's time for network work (--timeout): discovery,
// token requests, the key set. Every request draws on what is left; the
// time a person takes to sign in is not network work and is not drawn.
// *deadline.Budget (issue 12) has the same method and can stand in.
type Budget interface {
	Start(ctx context.Context, what string) (context.Context, func(), error)
}

// NewBudget is a Budget of total for work done one piece at a time, named
// (e.g. "--timeout") in the error that says it ran out.
func NewBudget(total time.Duration, name string) Budget {
	return &budget{left: total, total: total, name: name}
}

type budget struct {
	mu          sync.Mutex
	left, total time.Duration
	name        string
}

// BudgetError says that the network budget ran out before or during what.
type BudgetError struct {
	What  string
	Limit string // e.g. "--timeout 10s"
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s did not finish within %s", e.What, e.Limit)
}

// Is makes it a timeout (never retried) and a remote failure (exit code 3).
func (e *BudgetError) Is(t error) bool { return t == context.DeadlineExceeded || t == ErrUnavailable }

func (b *budget) Start(ctx context.Context, what string) (context.Context, func(), error) {
	b.mu.Lock()
	left := b.left
	b.mu.Unlock()
	limit := fmt.Sprintf("%s %s", b.name, b.total)
	if left <= 0 {
		return ctx, func() {}, &BudgetError{What: what, Limit: limit}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, left, &BudgetError{What: what, Limit: limit})
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			cancel()
			b.mu.Lock()
			b.left -= time.Since(start)
			b.mu.Unlock()
		})
	}, nil
}
