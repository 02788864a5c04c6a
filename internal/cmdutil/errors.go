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

// ErrInvalid marks a checked document that is bad (exit 1) whatever else its
// cause would say: `jwks inspect` of a file that is not a key set reports
// a bad document, not an unreachable one.
var ErrInvalid = errors.New("invalid")

// Invalid keeps err's message and marks it ErrInvalid, hiding its other
// sentinels from the exit code.
func Invalid(err error) error {
	if err == nil {
		return nil
	}
	return invalidError{msg: err.Error()}
}

type invalidError struct{ msg string }

func (e invalidError) Error() string        { return e.msg }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }
