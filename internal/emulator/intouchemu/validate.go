package intouchemu

import (
	"net/mail"
	"strings"
)

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Name == "" && a.Address == v && strings.Contains(v[strings.LastIndexByte(v, '@'):], ".")
}

// validMobile wants digits only, country code included, E.164 length.
func validMobile(v string) bool {
	if len(v) < 8 || len(v) > 15 || v[0] == '0' {
		return false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var knownIdentifierTypes = map[string]bool{"cuid": true, "mobile": true, "email": true, "externalId": true}

// checkIdentifier returns a body code and message when the identifier is unacceptable (0 when fine).
func checkIdentifier(id Identifier) (int, string) {
	switch {
	case !knownIdentifierTypes[id.Type]:
		return CodeInvalidIdentifier, "unknown identifier type " + id.Type
	case strings.TrimSpace(id.Value) == "":
		return CodeInvalidIdentifier, "empty value for identifier " + id.Type
	case id.Type == "email" && !validEmail(id.Value):
		return CodeInvalidEmail, "invalid email " + id.Value
	case id.Type == "mobile" && !validMobile(id.Value):
		return CodeInvalidMobile, "invalid mobile " + id.Value
	}
	return 0, ""
}
