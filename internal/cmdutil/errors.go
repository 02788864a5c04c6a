package cmdutil

import (
	"errors"
	"fmt"
)

// ErrUsage marks a usage error: exit code 2.
var ErrUsage = errors.New("usage error")

// ErrFailed marks a check whose result was already printed: exit code 1 with
// no extra error line.
var ErrFailed = errors.New("check failed")

// ErrCancelled is returned when the user aborts a prompt.
var ErrCancelled = errors.New("cancelled")

// FlagErrorf builds a usage error.
func FlagErrorf(format string, args ...any) error {
	return fmt.Errorf("%w%w", fmt.Errorf(format, args...), usageMarker{})
}

// usageMarker lets errors.Is(err, ErrUsage) hold without adding text.
type usageMarker struct{}

func (usageMarker) Error() string        { return "" }
func (usageMarker) Is(target error) bool { return target == ErrUsage }

// HintError is an error with a suggestion printed on a second line.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint attaches a hint to err.
func WithHint(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: fmt.Sprintf(format, args...)}
}
