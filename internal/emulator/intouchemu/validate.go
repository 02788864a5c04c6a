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

// knownIdentifierType is true for the identifier types of the reference (add customer, lookup,
// changeIdentifier).
func knownIdentifierType(typ string) bool {
	switch typ {
	case "cuid", "mobile", "email", "externalId", "cardnumber", "wechat", "martjackId", "fbId", "line", "unionId":
		return true
	}
	return false
}

// scopedToSource is true for identifiers that only mean something within their source: they never merge
// customers.
func scopedToSource(typ string) bool { return typ == "cuid" }

// identifierProblem is the add-customer view of an identifier: an error code for an unusable one, or a
// warning code (8055/8056) for an invalid email or mobile, which the platform leaves out and reports.
func identifierProblem(id Identifier) (errCode, warnCode int, msg string) {
	switch {
	case !knownIdentifierType(id.Type):
		return CodeInvalidIdentifier, 0, "Invalid identifier passed: unknown identifier type " + id.Type
	case strings.TrimSpace(id.Value) == "":
		return CodeInvalidIdentifier, 0, "Invalid identifier passed: empty value for " + id.Type
	case id.Type == "email" && !validEmail(id.Value):
		return 0, CodeInvalidEmail, "Invalid email id"
	case id.Type == "mobile" && !validMobile(id.Value):
		return 0, CodeInvalidMobile, "Invalid mobile"
	}
	return 0, 0, ""
}
