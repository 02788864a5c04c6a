package intouchemu

// Source is a channel (source) account of the org, as `GET /v2/org/{orgId}/sources` shows it: toMirror a
// boolean, uuid 32 hex digits without dashes.
type Source struct {
	ID                      int64          `json:"id"`
	UUID                    string         `json:"uuid"`
	Name                    string         `json:"name"`
	SourceAccountIdentifier string         `json:"sourceAccountIdentifier"`
	ToMirror                bool           `json:"toMirror"`
	SourceTypeID            int64          `json:"sourceTypeId"`
	SourceTypeName          string         `json:"sourceTypeName"`
	IsActive                bool           `json:"isActive"`
	Configs                 map[string]any `json:"configs"`
}

// Identifier is a `{"type","value"}` pair.
type Identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Profile is a customer's profile in one source account. Fields keep the JSON types they were sent with
// (strings, numbers, booleans), as the platform's answers do.
type Profile struct {
	FirstName    string           `json:"firstName"`
	LastName     string           `json:"lastName"`
	Source       string           `json:"source"`
	AccountID    string           `json:"accountId,omitempty"` // none for single-account sources (INSTORE)
	Identifiers  []Identifier     `json:"identifiers"`
	CommChannels []map[string]any `json:"commChannels"`
	Fields       map[string]any   `json:"fields"`

	mergedFrom int64 // the victim customer this profile came from in a merge (lookups then warn 8069)
}

// Customer is one platform customer with its per-source profiles. A merge victim keeps its id, no profiles,
// and MergedInto naming the survivor.
type Customer struct {
	ID         int64     `json:"id"`
	Profiles   []Profile `json:"profiles"`
	MergedInto int64     `json:"mergedInto,omitempty"`
	// ExtendedFields are the customer's extended fields (an add's top-level extendedFields).
	ExtendedFields map[string]any `json:"extendedFields,omitempty"`
}

// item is an errors[]/warnings[] entry.
type item struct {
	Status  bool   `json:"status"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Body codes. The 3213–3222 and 80xx ones are documented (org-source and customer status-code pages); those
// marked "emulator" are this emulator's own choice where the reference gives none. Which HTTP status goes
// with which code is not documented either: the statuses are the emulator's choice, and clients must read
// errors[] whatever the status.
const (
	CodeAuth       = 401 // emulator: bad or expired credentials
	CodeForbidden  = 403 // request-level code 403: access denied, or "Mandatory field is missing"
	CodeBadRequest = 400 // request-level code 400: invalid input
	CodeNoRoute    = 404 // request-level code 404: incorrect resource
	CodeTooMany    = 429 // emulator: the per-minute rate limit (the reference documents the limit, not the body)

	CodeSourceNotFound      = 3213 // unable to find org source
	CodeSourceNameInvalid   = 3216 // invalid source name
	CodeSourceAccountIDBad  = 3217 // invalid account identifier of the source
	CodeSourceTypeInvalid   = 3218 // invalid source type
	CodeSourceExists        = 3220 // org source already exists with the given values
	CodeNoIdentifiers       = 8002 // no identifiers passed
	CodeInvalidSource       = 8003 // invalid source passed
	CodeDuplicate           = 8006 // customer already exists with id {0} for same source
	CodeInvalidIdentifier   = 8013 // invalid identifier passed
	CodeNotFound            = 8015 // customer not found for the given identifiers
	CodeAccountIDMissing    = 8045 // account id is not passed
	CodeNotFoundInSource    = 8065 // no customer found in the given source with the given identifier
	CodeMerged              = 8050 // warning: same customer found in other sources, combining
	CodeMergingWithUser     = 8051 // warning: same customer found in other sources, merging with userId {0}
	CodeInvalidEmail        = 8055 // warning: invalid email id
	CodeInvalidMobile       = 8056 // warning: invalid mobile
	CodeMergedCustomer      = 8069 // warning: merged customer found
	CodeNoValidChange       = 8070 // warning: no valid change identifiers detected
	CodeMobileAttached      = 8071 // warning: mobile already attached with this user
	CodeEmailAttached       = 8072 // warning: email already attached with this user
	CodeExternalIDAttached  = 8073 // warning: external id already attached with this user
	CodeIdentifierAmbiguous = 8074 // warning: change failed, identifier found in multiple sources and userIds
	CodeRateLimited         = 517  // unverified (an earlier brief): only the default body code of an injected 429 fault
)
