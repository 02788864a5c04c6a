package safefile

// Kind says how strict UnsafeOwnerOrMode is.
type Kind int

const (
	Dir    Kind = iota // no write by group or others
	File               // no write by group or others
	Secret             // nothing at all for group or others
)
