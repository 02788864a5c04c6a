package brand

import (
	"errors"
	"fmt"
)

// Severity of a problem: errors make a config invalid, warnings do not.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one finding about a brand file, located to line and column.
type Problem struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	Field    string   `json:"field,omitempty"`
	Message  string   `json:"message"`
}

// String renders the problem the way compilers do, so editors can jump to it.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Column, p.Severity, p.Message)
}

// FieldProblem is a finding about a field of a Config, before it is placed in a file.
type FieldProblem struct {
	Field    string // dotted path, e.g. "ciam.jwksUri" or "ciam.algorithms[1]"
	Severity Severity
	Message  string // starts with the field path, says what to do
}

// HasErrors reports whether any problem is an error.
func HasErrors[P Problem | FieldProblem](ps []P) bool {
	for _, p := range ps {
		var s Severity
		switch v := any(p).(type) {
		case Problem:
			s = v.Severity
		case FieldProblem:
			s = v.Severity
		}
		if s == SeverityError {
			return true
		}
	}
	return false
}

// ErrInvalid marks a configuration that has errors.
var ErrInvalid = errors.New("invalid brand configuration")
