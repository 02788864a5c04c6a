package brand

import "strings"

// fieldAliases are names people use for the platform's mapping fields
// (often the claim's name, or another system's field name).
var fieldAliases = map[string]string{
	"phone": "mobile", "phone_number": "mobile", "phonenumber": "mobile", "mobile_number": "mobile",
	"mobilenumber": "mobile", "msisdn": "mobile", "cell": "mobile", "cellphone": "mobile", "tel": "mobile",
	"first_name": "firstname", "given_name": "firstname", "givenname": "firstname", "forename": "firstname", "fname": "firstname",
	"last_name": "lastname", "family_name": "lastname", "familyname": "lastname", "surname": "lastname", "lname": "lastname",
	"mail": "email", "e-mail": "email", "email_address": "email", "emailaddress": "email",
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
	return fieldAliases[lower]
}
