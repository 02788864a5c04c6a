package brand

import "strings"

// fieldAlias is the platform's mapping field meant by a name people use for
// it (often the claim's name, or another system's field name), or "". (A
// switch, not a map: nothing to build when ciamctl starts.)
func fieldAlias(name string) string {
	switch name {
	case "phone", "phone_number", "phonenumber", "mobile_number", "mobilenumber", "msisdn", "cell", "cellphone", "tel":
		return "mobile"
	case "first_name", "given_name", "givenname", "forename", "fname":
		return "firstname"
	case "last_name", "family_name", "familyname", "surname", "lname":
		return "lastname"
	case "mail", "e-mail", "email_address", "emailaddress":
		return "email"
	}
	return ""
}

// MappingFieldFor names the platform field meant by a field name that is
// not one ("phone" is mobile, "first_name" firstname, "Email" email), or ""
// when none is likely.
func MappingFieldFor(name string) string {
	lower := strings.ToLower(strings.TrimSpace(name))
	for _, f := range MappingFields {
		if lower == f {
			return f
		}
	}
	return fieldAlias(lower)
}
