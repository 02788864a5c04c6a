package intouchemu

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// sourceTypeID is the sourceTypeId of a source type the emulator accepts (ok false for others). FACEBOOK,
// WEB_ENGAGE and MARTJACK carry the ids of the reference's samples; the others are the emulator's choice.
// (Switches, not maps, here and below: the emulator is linked into ciamctl, whose every start would build
// them.)
func sourceTypeID(typ string) (id int64, ok bool) {
	switch typ {
	case "FACEBOOK":
		return 1, true
	case "WEB_ENGAGE":
		return 2, true
	case "WECHAT":
		return 3, true
	case "INSTORE":
		return 4, true
	case "MARTJACK":
		return 6, true
	case "TMALL":
		return 7, true
	case "TAOBAO":
		return 8, true
	case "JD":
		return 9, true
	case "ECOMMERCE":
		return 10, true
	case "WEBSITE":
		return 11, true
	case "LINE":
		return 12, true
	case "MOBILE_APP":
		return 13, true
	case "OAUTH_EXTERNAL":
		return 14, true
	}
	return 0, false
}

// singleAccountSource is true for the source types that need no accountId on customer calls.
func singleAccountSource(typ string) bool { return typ == "INSTORE" }

func (s *Server) addSourceLocked(src Source) Source {
	if src.ID == 0 {
		s.nextSrcID++
		src.ID = s.nextSrcID
	}
	// A seeded account keeps the case it was given: the platform's own samples mix cases ("Facebook").
	typ := strings.ToUpper(src.SourceTypeName)
	if src.SourceTypeID == 0 {
		src.SourceTypeID, _ = sourceTypeID(typ)
	}
	if src.UUID == "" {
		// 32 hex digits, as the platform's, and stable across runs so transcripts compare.
		sum := md5.Sum([]byte(s.opts.OrgID + "/" + typ + "/" + src.SourceAccountIdentifier))
		src.UUID = hex.EncodeToString(sum[:])
	}
	if src.Configs == nil {
		src.Configs = map[string]any{}
	}
	s.sources = append(s.sources, src)
	return src
}

// AddSource seeds a channel account and returns it with its id.
func (s *Server) AddSource(src Source) Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addSourceLocked(src)
}

// Sources returns the org's channel accounts.
func (s *Server) Sources() []Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Source(nil), s.sources...)
}

func (s *Server) orgOK(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("orgId") != s.opts.OrgID {
		writeErr(w, http.StatusForbidden, CodeForbidden, "Access denied: org "+r.PathValue("orgId")+" is not accessible with these credentials")
		return false
	}
	return true
}

func (s *Server) listSources(w http.ResponseWriter, r *http.Request) {
	if !s.orgOK(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.Sources(), "warnings": []item{}, "errors": []item{}})
}

func (s *Server) getSource(w http.ResponseWriter, r *http.Request) {
	if !s.orgOK(w, r) {
		return
	}
	for _, src := range s.Sources() {
		if src.UUID == r.PathValue("uuid") {
			writeJSON(w, http.StatusOK, sourceAnswer(src))
			return
		}
	}
	writeErr(w, http.StatusNotFound, CodeSourceNotFound, "Unable to find org source")
}

// sourceAnswer is one account with its own warnings[], as the get and create calls answer.
func sourceAnswer(src Source) map[string]any {
	b, _ := json.Marshal(src)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	m["warnings"] = []item{}
	return m
}

func (s *Server) createSource(w http.ResponseWriter, r *http.Request) {
	if !s.orgOK(w, r) {
		return
	}
	var body struct {
		Name                    string         `json:"name"`
		SourceAccountIdentifier string         `json:"sourceAccountIdentifier"`
		SourceTypeName          string         `json:"sourceTypeName"`
		ToMirror                any            `json:"toMirror"` // the reference's request sample sends 0
		Configs                 map[string]any `json:"configs"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	typ := strings.ToUpper(strings.TrimSpace(body.SourceTypeName))
	_, known := sourceTypeID(typ)
	switch {
	case strings.TrimSpace(body.Name) == "":
		writeErr(w, http.StatusBadRequest, CodeSourceNameInvalid, "Invalid source name")
		return
	case strings.TrimSpace(body.SourceAccountIdentifier) == "":
		writeErr(w, http.StatusBadRequest, CodeSourceAccountIDBad, "Invalid account identifier of the source")
		return
	case !known || slices.ContainsFunc(s.opts.APIDeniedSourceTypes, func(t string) bool { return strings.EqualFold(t, typ) }):
		writeErr(w, http.StatusBadRequest, CodeSourceTypeInvalid, "Invalid source type")
		return
	}
	s.mu.Lock()
	for _, src := range s.sources {
		if strings.EqualFold(src.SourceTypeName, typ) && src.SourceAccountIdentifier == body.SourceAccountIdentifier {
			s.mu.Unlock()
			writeErr(w, http.StatusBadRequest, CodeSourceExists, "Org source already exists with the given values")
			return
		}
	}
	mirror := body.ToMirror == true || body.ToMirror == float64(1)
	src := s.addSourceLocked(Source{Name: body.Name, SourceAccountIdentifier: body.SourceAccountIdentifier, SourceTypeName: typ,
		IsActive: true, ToMirror: mirror, Configs: body.Configs})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, sourceAnswer(src))
}
