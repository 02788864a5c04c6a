package intouchemu

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// sourceAccount validates the source/accountId pair of a request: accountId is required for every source
// but INSTORE (8045), and must name an account of that type.
func (s *Server) sourceAccountLocked(source, accountID string) (int, string) {
	typ := strings.ToUpper(source)
	if !knownSourceTypes[typ] {
		return CodeInvalidSource, "unknown source " + source
	}
	if typ == "INSTORE" {
		return 0, ""
	}
	if accountID == "" {
		return CodeAccountIDMissing, "accountId is required for source " + typ
	}
	for _, src := range s.sources {
		if strings.EqualFold(src.SourceTypeName, typ) && src.SourceAccountIdentifier == accountID {
			return 0, ""
		}
	}
	return CodeInvalidSource, fmt.Sprintf("no %s account %q in org %s", typ, accountID, s.opts.OrgID)
}

func sameSource(p Profile, source, accountID string) bool {
	return strings.EqualFold(p.Source, source) && (strings.EqualFold(source, "INSTORE") || p.AccountID == accountID)
}

func hasIdentifier(p Profile, id Identifier) bool {
	for _, x := range p.Identifiers {
		if x.Type == id.Type && x.Value == id.Value {
			return true
		}
	}
	return false
}

// findLocked returns the customer (and profile index) holding the identifier in the source account.
func (s *Server) findLocked(source, accountID string, id Identifier) (*Customer, int) {
	for _, c := range s.customers {
		for i, p := range c.Profiles {
			if sameSource(p, source, accountID) && hasIdentifier(p, id) {
				return c, i
			}
		}
	}
	return nil, -1
}

func (s *Server) findAnySourceLocked(id Identifier) *Customer {
	if id.Type == "cuid" {
		return nil // a cuid only means something within its source
	}
	for _, c := range s.customers {
		for _, p := range c.Profiles {
			if hasIdentifier(p, id) {
				return c
			}
		}
	}
	return nil
}

func (s *Server) customerLocked(idStr string) *Customer {
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil {
		return nil
	}
	for _, c := range s.customers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (s *Server) addCustomer(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profiles []Profile `json:"profiles"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	if len(body.Profiles) == 0 {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, "profiles is required")
		return
	}
	p := body.Profiles[0]
	p.Source = strings.ToUpper(p.Source)
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, msg := s.sourceAccountLocked(p.Source, p.AccountID); code != 0 {
		writeErr(w, http.StatusBadRequest, code, msg)
		return
	}
	if len(p.Identifiers) == 0 {
		writeErr(w, http.StatusBadRequest, CodeInvalidIdentifier, "at least one identifier is required")
		return
	}
	var merge *Customer
	for _, id := range p.Identifiers {
		if code, msg := checkIdentifier(id); code != 0 {
			writeErr(w, http.StatusBadRequest, code, msg)
			return
		}
		if c, _ := s.findLocked(p.Source, p.AccountID, id); c != nil {
			writeErr(w, http.StatusBadRequest, CodeDuplicate, fmt.Sprintf("%s %s already exists in source %s", id.Type, id.Value, p.Source))
			return
		}
		if merge == nil {
			merge = s.findAnySourceLocked(id)
		}
	}
	if p.Fields == nil {
		p.Fields = map[string]string{}
	}
	warnings := []item{}
	if merge != nil {
		merge.Profiles = append(merge.Profiles, p)
		warnings = append(warnings, item{Status: false, Code: CodeMerged, Message: fmt.Sprintf("merged into existing customer %d", merge.ID)})
		writeJSON(w, http.StatusOK, map[string]any{"createdId": merge.ID, "warnings": warnings})
		return
	}
	s.nextID++
	c := &Customer{ID: s.nextID, Profiles: []Profile{p}}
	s.customers = append(s.customers, c)
	writeJSON(w, http.StatusOK, map[string]any{"createdId": c.ID, "warnings": warnings})
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	source, accountID := q.Get("source"), q.Get("accountId")
	id := Identifier{Type: q.Get("identifierName"), Value: q.Get("identifierValue")}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, msg := s.sourceAccountLocked(source, accountID); code != 0 {
		writeErr(w, http.StatusBadRequest, code, msg)
		return
	}
	if !knownIdentifierTypes[id.Type] || id.Value == "" {
		writeErr(w, http.StatusBadRequest, CodeInvalidIdentifier, "identifierName and identifierValue are required")
		return
	}
	c, _ := s.findLocked(source, accountID, id)
	if c == nil {
		writeErr(w, http.StatusNotFound, CodeNotFound, "customer not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entity": c.ID, "warnings": []item{}})
}

// profileOf finds the customer and its profile for the request's id/source/accountId, answering 8015 itself.
func (s *Server) profileOfLocked(w http.ResponseWriter, r *http.Request) (*Customer, int) {
	c := s.customerLocked(r.PathValue("id"))
	if c == nil {
		writeErr(w, http.StatusNotFound, CodeNotFound, "customer not found")
		return nil, -1
	}
	q := r.URL.Query()
	if code, msg := s.sourceAccountLocked(q.Get("source"), q.Get("accountId")); code != 0 {
		writeErr(w, http.StatusBadRequest, code, msg)
		return nil, -1
	}
	for i, p := range c.Profiles {
		if sameSource(p, q.Get("source"), q.Get("accountId")) {
			return c, i
		}
	}
	writeErr(w, http.StatusNotFound, CodeNotFound, "customer has no profile in this source account")
	return nil, -1
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, i := s.profileOfLocked(w, r)
	if c == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": c.ID, "profiles": []Profile{c.Profiles[i]}, "loyaltyInfo": map[string]any{"loyaltyType": "loyalty"}, "warnings": []item{},
	})
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profiles []struct {
			FirstName *string           `json:"firstName"`
			LastName  *string           `json:"lastName"`
			Fields    map[string]string `json:"fields"`
		} `json:"profiles"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	if len(body.Profiles) == 0 {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, "profiles is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, i := s.profileOfLocked(w, r)
	if c == nil {
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
	writeJSON(w, http.StatusOK, map[string]any{"createdId": c.ID, "warnings": []item{}})
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
	c, i := s.profileOfLocked(w, r)
	if c == nil {
		return
	}
	p := &c.Profiles[i]
	for _, id := range body.Add {
		if code, msg := checkIdentifier(id); code != 0 {
			writeErr(w, http.StatusBadRequest, code, msg)
			return
		}
		if other, _ := s.findLocked(p.Source, p.AccountID, id); other != nil && other != c {
			code := CodeEmailInSource
			if id.Type == "mobile" {
				code = CodeMobileInSource
			}
			writeErr(w, http.StatusBadRequest, code, fmt.Sprintf("%s %s already exists in source %s", id.Type, id.Value, p.Source))
			return
		}
	}
	kept := p.Identifiers[:0:0]
	for _, x := range p.Identifiers {
		drop := false
		for _, rm := range body.Remove {
			drop = drop || (x.Type == rm.Type && x.Value == rm.Value)
		}
		if !drop {
			kept = append(kept, x)
		}
	}
	for _, id := range body.Add {
		if !hasIdentifier(Profile{Identifiers: kept}, id) {
			kept = append(kept, id)
		}
	}
	p.Identifiers = kept
	writeJSON(w, http.StatusOK, map[string]any{"createdId": c.ID, "warnings": []item{}})
}

// Customers returns a deep copy of all customers.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Customer, 0, len(s.customers))
	for _, c := range s.customers {
		cp := Customer{ID: c.ID}
		for _, p := range c.Profiles {
			p.Identifiers = append([]Identifier(nil), p.Identifiers...)
			cp.Profiles = append(cp.Profiles, p)
		}
		out = append(out, cp)
	}
	return out
}

// FindCustomer returns the customer holding an identifier in a source account.
func (s *Server) FindCustomer(source, accountID, idType, value string) (Customer, bool) {
	s.mu.Lock()
	c, _ := s.findLocked(source, accountID, Identifier{Type: idType, Value: value})
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
