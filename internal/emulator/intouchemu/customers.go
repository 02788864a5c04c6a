package intouchemu

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// sourceAccountLocked checks the source/accountId query parameters every customer call carries. source is
// mandatory (8003 when absent or unknown); multi-account sources need accountId (8045), which must name an
// account of the org (8003 otherwise). It returns the source type, upper case, and the accountId to store
// ("" for single-account sources).
func (s *Server) sourceAccountLocked(w http.ResponseWriter, r *http.Request) (typ, acc string, ok bool) {
	q := r.URL.Query()
	source, accountID := strings.TrimSpace(q.Get("source")), strings.TrimSpace(q.Get("accountId"))
	typ = strings.ToUpper(source)
	if _, known := sourceTypeID(typ); !known {
		msg := "Invalid source passed: " + source
		if source == "" {
			msg = "Invalid source passed: the source query parameter is mandatory"
		}
		writeErr(w, http.StatusBadRequest, CodeInvalidSource, msg)
		return "", "", false
	}
	if singleAccountSource(typ) {
		return typ, "", true
	}
	if accountID == "" {
		writeErr(w, http.StatusBadRequest, CodeAccountIDMissing, "Account id is not passed (source "+typ+" has several accounts)")
		return "", "", false
	}
	for _, src := range s.sources {
		if strings.EqualFold(src.SourceTypeName, typ) && src.SourceAccountIdentifier == accountID {
			return typ, accountID, true
		}
	}
	writeErr(w, http.StatusBadRequest, CodeInvalidSource, fmt.Sprintf("Invalid source passed: no %s account %q in org %s", typ, accountID, s.opts.OrgID))
	return "", "", false
}

func sameSource(p Profile, typ, accountID string) bool {
	return strings.EqualFold(p.Source, typ) && (singleAccountSource(strings.ToUpper(typ)) || p.AccountID == accountID)
}

func hasIdentifier(p Profile, id Identifier) bool {
	for _, x := range p.Identifiers {
		if x.Type == id.Type && x.Value == id.Value {
			return true
		}
	}
	return false
}

// findLocked returns the live customer (and profile index) holding the identifier in the source account.
func (s *Server) findLocked(typ, accountID string, id Identifier) (*Customer, int) {
	for _, c := range s.customers {
		if c.MergedInto != 0 {
			continue
		}
		for i, p := range c.Profiles {
			if sameSource(p, typ, accountID) && hasIdentifier(p, id) {
				return c, i
			}
		}
	}
	return nil, -1
}

// holdersElsewhereLocked lists the live customers other than except holding the identifier in a profile of
// another source or account: the customers an add or an identifier change merges with.
func (s *Server) holdersElsewhereLocked(typ, accountID string, id Identifier, except *Customer) []*Customer {
	if scopedToSource(id.Type) {
		return nil
	}
	var out []*Customer
	for _, c := range s.customers {
		if c == except || c.MergedInto != 0 {
			continue
		}
		for _, p := range c.Profiles {
			if !sameSource(p, typ, accountID) && hasIdentifier(p, id) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func (s *Server) byIDLocked(id int64) *Customer {
	for _, c := range s.customers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// customerLocked finds the customer of the path's id, following merges to the survivor (merged reports it).
func (s *Server) customerLocked(idStr string) (c *Customer, merged bool) {
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil {
		return nil, false
	}
	c = s.byIDLocked(id)
	for c != nil && c.MergedInto != 0 {
		c, merged = s.byIDLocked(c.MergedInto), true
	}
	return c, merged
}

// missingMandatoryField returns the first registration-rule field the profile lacks ("" when none).
func (s *Server) missingMandatoryField(p Profile) string {
	for _, f := range s.opts.MandatoryFields {
		var present bool
		switch {
		case strings.EqualFold(f, "firstName"):
			present = strings.TrimSpace(p.FirstName) != ""
		case strings.EqualFold(f, "lastName"):
			present = strings.TrimSpace(p.LastName) != ""
		case knownIdentifierType(f):
			for _, id := range p.Identifiers {
				present = present || (id.Type == f && id.Value != "")
			}
		default:
			v, ok := p.Fields[f]
			present = ok && v != nil && v != ""
		}
		if !present {
			return f
		}
	}
	return ""
}

// normaliseCommChannels keeps the channels sent, adds one per mobile/email identifier without a channel, and
// writes primary/verified as the strings "true"/"false", as the platform's own samples do.
func normaliseCommChannels(p *Profile) {
	has := map[string]bool{}
	for _, ch := range p.CommChannels {
		has[fmt.Sprint(ch["type"], "/", ch["value"])] = true
	}
	for _, id := range p.Identifiers {
		if (id.Type == "mobile" || id.Type == "email") && !has[id.Type+"/"+id.Value] {
			p.CommChannels = append(p.CommChannels, map[string]any{"type": id.Type, "value": id.Value, "primary": true, "verified": false, "meta": map[string]any{}})
		}
	}
	for _, ch := range p.CommChannels {
		for _, k := range []string{"primary", "verified"} {
			if v, ok := ch[k]; ok {
				ch[k] = strings.ToLower(fmt.Sprint(v))
			}
		}
	}
	if p.CommChannels == nil {
		p.CommChannels = []map[string]any{}
	}
}

func warn(code int, msg string) item { return item{Status: false, Code: code, Message: msg} }

func (s *Server) addCustomer(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profiles       []Profile      `json:"profiles"`
		ExtendedFields map[string]any `json:"extendedFields"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	typ, acc, ok := s.sourceAccountLocked(w, r)
	if !ok {
		return
	}
	if len(body.Profiles) == 0 {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, "Input is invalid: profiles is required")
		return
	}
	p := body.Profiles[0]
	if p.Source != "" && !strings.EqualFold(p.Source, typ) {
		writeErr(w, http.StatusBadRequest, CodeInvalidSource, fmt.Sprintf("Invalid source passed: the profile's source %s differs from the source query parameter %s", p.Source, typ))
		return
	}
	if acc != "" && p.AccountID != "" && p.AccountID != acc {
		writeErr(w, http.StatusBadRequest, CodeInvalidSource, fmt.Sprintf("Invalid source passed: the profile's accountId %s differs from the accountId query parameter %s", p.AccountID, acc))
		return
	}
	p.Source, p.AccountID = typ, acc
	if f := s.missingMandatoryField(p); f != "" {
		writeErr(w, http.StatusForbidden, CodeForbidden, "Mandatory field is missing. Field "+f+" is mandatory")
		return
	}
	if len(p.Identifiers) == 0 {
		writeErr(w, http.StatusBadRequest, CodeNoIdentifiers, "No identifiers passed")
		return
	}
	warnings := []item{}
	var kept []Identifier
	for _, id := range p.Identifiers {
		errCode, warnCode, msg := identifierProblem(id)
		switch {
		case errCode != 0:
			writeErr(w, http.StatusBadRequest, errCode, msg)
			return
		case warnCode != 0:
			warnings = append(warnings, warn(warnCode, msg))
			continue
		}
		if c, _ := s.findLocked(typ, acc, id); c != nil {
			writeErr(w, http.StatusBadRequest, CodeDuplicate, fmt.Sprintf("Customer already exists with id %d for same source", c.ID))
			return
		}
		kept = append(kept, id)
	}
	if len(kept) == 0 {
		writeErr(w, http.StatusBadRequest, CodeNoIdentifiers, "No valid identifiers passed")
		return
	}
	p.Identifiers = kept
	if p.Fields == nil {
		p.Fields = map[string]any{}
	}
	normaliseCommChannels(&p)
	var merge *Customer
	for _, id := range kept {
		if hs := s.holdersElsewhereLocked(typ, acc, id, nil); len(hs) > 0 && merge == nil {
			merge = hs[0]
		}
	}
	if merge != nil {
		merge.Profiles = append(merge.Profiles, p)
		merge.setExtendedFields(body.ExtendedFields)
		warnings = append(warnings, warn(CodeMerged, "Same Customer found in other sources, Combining"))
		writeJSON(w, http.StatusOK, map[string]any{"createdId": merge.ID, "warnings": warnings, "sideEffects": []any{}})
		return
	}
	s.nextID++
	c := &Customer{ID: s.nextID, Profiles: []Profile{p}}
	c.setExtendedFields(body.ExtendedFields)
	s.customers = append(s.customers, c)
	writeJSON(w, http.StatusOK, map[string]any{"createdId": c.ID, "warnings": warnings, "sideEffects": []any{}})
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	typ, acc, ok := s.sourceAccountLocked(w, r)
	if !ok {
		return
	}
	id := Identifier{Type: q.Get("identifierName"), Value: q.Get("identifierValue")}
	if id.Type == "" || id.Value == "" {
		writeErr(w, http.StatusBadRequest, CodeNoIdentifiers, "No identifiers passed: identifierName and identifierValue are required")
		return
	}
	if !knownIdentifierType(id.Type) {
		writeErr(w, http.StatusBadRequest, CodeInvalidIdentifier, "Customer identifier is invalid: check identifierName "+id.Type)
		return
	}
	c, i := s.findLocked(typ, acc, id)
	if c == nil {
		if len(s.holdersElsewhereLocked(typ, acc, id, nil)) > 0 {
			writeErr(w, http.StatusNotFound, CodeNotFoundInSource, "No customer found in the given source with the given identifier")
			return
		}
		writeErr(w, http.StatusNotFound, CodeNotFound, "Customer not found for the given identifiers")
		return
	}
	warnings := []item{}
	if c.Profiles[i].mergedFrom != 0 {
		warnings = append(warnings, warn(CodeMergedCustomer, "Merged customer found"))
	}
	writeJSON(w, http.StatusOK, map[string]any{"entity": c.ID, "warnings": warnings})
}

// customerOfLocked resolves the path's customer (the survivor of a merge, with warning 8069) after the
// source checks, answering 8015 itself.
func (s *Server) customerOfLocked(w http.ResponseWriter, r *http.Request) (c *Customer, typ, acc string, warnings []item) {
	typ, acc, ok := s.sourceAccountLocked(w, r)
	if !ok {
		return nil, "", "", nil
	}
	c, merged := s.customerLocked(r.PathValue("id"))
	if c == nil {
		writeErr(w, http.StatusNotFound, CodeNotFound, "Customer not found for the given identifiers")
		return nil, "", "", nil
	}
	warnings = []item{}
	if merged {
		warnings = append(warnings, warn(CodeMergedCustomer, "Merged customer found"))
	}
	return c, typ, acc, warnings
}

func profileIndex(c *Customer, typ, acc string) int {
	for i, p := range c.Profiles {
		if sameSource(p, typ, acc) {
			return i
		}
	}
	return -1
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, typ, acc, warnings := s.customerOfLocked(w, r)
	if c == nil {
		return
	}
	// Every source's profile, unless only the current one is asked for.
	profiles := []Profile{}
	only := strings.EqualFold(r.URL.Query().Get("includedOnlyCurrentProfile"), "true")
	for _, p := range c.Profiles {
		if !only || sameSource(p, typ, acc) {
			profiles = append(profiles, p)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": c.ID, "profiles": profiles, "loyaltyInfo": map[string]any{"loyaltyType": "loyalty"},
		"extendedFields": c.extendedFieldsOrEmpty(), "warnings": warnings,
	})
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profiles []struct {
			FirstName *string        `json:"firstName"`
			LastName  *string        `json:"lastName"`
			Fields    map[string]any `json:"fields"`
		} `json:"profiles"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, typ, acc, warnings := s.customerOfLocked(w, r)
	if c == nil {
		return
	}
	if len(body.Profiles) == 0 {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, "Input is invalid: profiles is required")
		return
	}
	i := profileIndex(c, typ, acc)
	if i < 0 {
		writeErr(w, http.StatusNotFound, CodeNotFoundInSource, "User not found for given source")
		return
	}
	u, p := body.Profiles[0], &c.Profiles[i]
	if u.FirstName != nil {
		p.FirstName = *u.FirstName
	}
	if u.LastName != nil {
		p.LastName = *u.LastName
	}
	for k, v := range u.Fields {
		p.Fields[k] = v
	}
	// The update reference types createdId as a string; answer it so.
	writeJSON(w, http.StatusOK, map[string]any{"createdId": strconv.FormatInt(c.ID, 10), "warnings": warnings, "sideEffects": []any{}})
}

// attachedWarning is the warning an add-customer call gets for an identifier of this type that another
// customer already holds.
func attachedWarning(typ string) (code int, ok bool) {
	switch typ {
	case "mobile":
		return CodeMobileAttached, true
	case "email":
		return CodeEmailAttached, true
	case "externalId":
		return CodeExternalIDAttached, true
	}
	return 0, false
}

func (s *Server) changeIdentifier(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Add    []Identifier `json:"add"`
		Remove []Identifier `json:"remove"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, typ, acc, warnings := s.customerOfLocked(w, r)
	if c == nil {
		return
	}
	i := profileIndex(c, typ, acc)
	if i < 0 {
		writeErr(w, http.StatusNotFound, CodeNotFoundInSource, "User not found for given source")
		return
	}
	p := &c.Profiles[i]
	var add []Identifier
	var survivor *Customer
	for _, id := range body.Add {
		if errCode, warnCode, msg := identifierProblem(id); errCode != 0 || warnCode != 0 {
			writeErr(w, http.StatusBadRequest, CodeInvalidIdentifier, "Invalid identifier passed: "+msg)
			return
		}
		if hasIdentifier(*p, id) {
			code, ok := attachedWarning(id.Type)
			if !ok {
				code = CodeNoValidChange
			}
			warnings = append(warnings, warn(code, fmt.Sprintf("%s already attached with this user", id.Type)))
			continue
		}
		if other, _ := s.findLocked(typ, acc, id); other != nil && other != c {
			writeErr(w, http.StatusBadRequest, CodeDuplicate, fmt.Sprintf("Customer already exists with id %d for same source", other.ID))
			return
		}
		hs := s.holdersElsewhereLocked(typ, acc, id, c)
		if len(hs) > 1 || (len(hs) == 1 && survivor != nil && hs[0] != survivor) {
			warnings = append(warnings, warn(CodeIdentifierAmbiguous, "Change Failed, Identifier found in multiple sources and userIds"))
			continue
		}
		if len(hs) == 1 {
			survivor = hs[0]
		}
		add = append(add, id)
	}
	kept := p.Identifiers[:0:0]
	removed := 0
	for _, x := range p.Identifiers {
		drop := false
		for _, rm := range body.Remove {
			drop = drop || (x.Type == rm.Type && x.Value == rm.Value)
		}
		if drop {
			removed++
			continue
		}
		kept = append(kept, x)
	}
	if len(add) == 0 && removed == 0 {
		if len(warnings) == 0 {
			warnings = append(warnings, warn(CodeNoValidChange, "No valid change identifiers detected"))
		}
		writeJSON(w, http.StatusOK, map[string]any{"createdId": c.ID, "warnings": warnings})
		return
	}
	p.Identifiers = append(kept, add...)
	p.CommChannels = nil
	normaliseCommChannels(p)
	if survivor != nil {
		// The changed customer is the victim: its profiles join the survivor, which answers from now on.
		for _, vp := range c.Profiles {
			vp.mergedFrom = c.ID
			survivor.Profiles = append(survivor.Profiles, vp)
		}
		c.Profiles, c.MergedInto = nil, survivor.ID
		warnings = append(warnings, warn(CodeMergingWithUser, fmt.Sprintf("Same Customer found in other sources, Merging with userId %d", survivor.ID)))
		writeJSON(w, http.StatusOK, map[string]any{"createdId": survivor.ID, "warnings": warnings})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"createdId": c.ID, "warnings": warnings})
}

// setExtendedFields keeps the extended fields an add sent (a later add's values win).
func (c *Customer) setExtendedFields(ext map[string]any) {
	for k, v := range ext {
		if c.ExtendedFields == nil {
			c.ExtendedFields = map[string]any{}
		}
		c.ExtendedFields[k] = v
	}
}

func (c *Customer) extendedFieldsOrEmpty() map[string]any {
	if c.ExtendedFields == nil {
		return map[string]any{}
	}
	return c.ExtendedFields
}

// Customers returns a deep copy of all customers, merge victims included.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Customer, 0, len(s.customers))
	for _, c := range s.customers {
		cp := Customer{ID: c.ID, MergedInto: c.MergedInto, ExtendedFields: maps.Clone(c.ExtendedFields)}
		for _, p := range c.Profiles {
			p.Identifiers = append([]Identifier(nil), p.Identifiers...)
			cp.Profiles = append(cp.Profiles, p)
		}
		out = append(out, cp)
	}
	return out
}

// FindCustomer returns the live customer holding an identifier in a source account.
func (s *Server) FindCustomer(source, accountID, idType, value string) (Customer, bool) {
	s.mu.Lock()
	c, _ := s.findLocked(strings.ToUpper(source), accountID, Identifier{Type: idType, Value: value})
	s.mu.Unlock()
	if c == nil {
		return Customer{}, false
	}
	for _, x := range s.Customers() {
		if x.ID == c.ID {
			return x, true
		}
	}
	return Customer{}, false
}

// SeedCustomer stores a customer as given, bypassing the add call's merging: for states the API cannot
// reach but real orgs have (two customers holding the same identifier in different sources, from before
// merges existed). It returns the customer with its id.
func (s *Server) SeedCustomer(c Customer) Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	c.ID = s.nextID
	for i := range c.Profiles {
		p := &c.Profiles[i]
		p.Source = strings.ToUpper(p.Source)
		if p.Fields == nil {
			p.Fields = map[string]any{}
		}
		normaliseCommChannels(p)
	}
	stored := c
	stored.Profiles = append([]Profile(nil), c.Profiles...)
	s.customers = append(s.customers, &stored)
	return c
}
