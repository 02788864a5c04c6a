package intouchemu

import "encoding/json"

// Source is a channel (source) account of the org.
type Source struct {
	ID                      int64          `json:"id"`
	UUID                    string         `json:"uuid"`
	Name                    string         `json:"name"`
	SourceAccountIdentifier string         `json:"sourceAccountIdentifier"`
	SourceTypeName          string         `json:"sourceTypeName"`
	IsActive                bool           `json:"isActive"`
	ToMirror                int            `json:"toMirror"`
	Configs                 map[string]any `json:"configs"`
}

// Identifier is a `{"type","value"}` pair.
type Identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Profile is a customer's profile in one source account.
type Profile struct {
	FirstName    string            `json:"firstName"`
	LastName     string            `json:"lastName"`
	Source       string            `json:"source"`
	AccountID    string            `json:"accountId"`
	Identifiers  []Identifier      `json:"identifiers"`
	CommChannels []json.RawMessage `json:"commChannels"`
	Fields       map[string]string `json:"fields"`
}

// Customer is one platform customer with its per-source profiles.
type Customer struct {
	ID       int64     `json:"id"`
	Profiles []Profile `json:"profiles"`
}

// item is an errors[]/warnings[] entry.
type item struct {
	Status  bool   `json:"status"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Body codes. The 80xx ones are documented; those marked "emulator" are this emulator's own choice where
// the public docs give none.
const (
	CodeAuth              = 401  // emulator: bad or expired credentials
	CodeForbidden         = 403  // emulator: another org
	CodeBadRequest        = 400  // emulator: malformed body
	CodeNoRoute           = 404  // emulator: unknown path
	CodeSourceExists      = 3001 // emulator: source account identifier already used for that type
	CodeInvalidSource     = 8002 // emulator: unknown source type or account
	CodeInvalidIdentifier = 8003 // emulator: unknown identifier type or empty value
	CodeDuplicate         = 8006 // same identifier already in this source
	CodeMobileInSource    = 8007 // changeIdentifier: mobile already in this source (emulator's reading of 8007/8008)
	CodeEmailInSource     = 8008 // changeIdentifier: email already in this source
	CodeNotFound          = 8015
	CodeAccountIDMissing  = 8045
	CodeMerged            = 8050 // warning: merged into a customer of another source
	CodeInvalidEmail      = 8055
	CodeInvalidMobile     = 8056
	CodeRateLimited       = 517
)
