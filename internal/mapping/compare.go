package mapping

// ClaimComparison is one mapped field as two claim sets give it (normally the ID token's and userinfo's),
// after the gateway's normalisation: "" where the set has no usable value.
type ClaimComparison struct {
	Field    string `json:"field"`
	Claim    string `json:"claim"`
	IDToken  string `json:"idToken"`
	Userinfo string `json:"userinfo"`
	Same     bool   `json:"same"`
}

// Compare maps both claim sets with the same mappings and lists every mapped field with both values, in
// field order. The gateway maps the ID token; a value only userinfo has never reaches the platform.
func Compare(idToken, userinfo map[string]any, mappings map[string]string) []ClaimComparison {
	a := Run(Input{Claims: idToken, Mappings: mappings}).Profile
	b := Run(Input{Claims: userinfo, Mappings: mappings}).Profile
	values := func(p Profile) map[string]string {
		return map[string]string{FieldFirstName: p.FirstName, FieldLastName: p.LastName, FieldMobile: p.Mobile, FieldEmail: p.Email}
	}
	av, bv := values(a), values(b)
	out := []ClaimComparison{}
	for _, f := range Fields {
		claim, ok := mappings[f]
		if !ok || claim == "" {
			continue
		}
		out = append(out, ClaimComparison{Field: f, Claim: claim, IDToken: av[f], Userinfo: bv[f], Same: av[f] == bv[f]})
	}
	return out
}
