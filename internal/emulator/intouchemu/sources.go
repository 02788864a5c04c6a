package intouchemu

import (
	"fmt"
	"net/http"
	"strings"
)

// knownSourceTypes are the source types the emulator accepts.
var knownSourceTypes = map[string]bool{
	"INSTORE": true, "OAUTH_EXTERNAL": true, "WECHAT": true, "MARTJACK": true, "FACEBOOK": true,
	"WEB_ENGAGE": true, "LINE": true, "MOBILE_APP": true, "ECOMMERCE": true,
}

func (s *Server) addSourceLocked(src Source) Source {
	if src.ID == 0 {
		s.nextSrcID++
		src.ID = s.nextSrcID
	}
	if src.UUID == "" {
		src.UUID = fmt.Sprintf("00000000-0000-4000-8000-%012d", src.ID)
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
		writeErr(w, http.StatusForbidden, CodeForbidden, "org "+r.PathValue("orgId")+" is not accessible with these credentials")
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

func (s *Server) createSource(w http.ResponseWriter, r *http.Request) {
	if !s.orgOK(w, r) {
		return
	}
	var body struct {
		Name                    string         `json:"name"`
		SourceAccountIdentifier string         `json:"sourceAccountIdentifier"`
		SourceTypeName          string         `json:"sourceTypeName"`
		ToMirror                int            `json:"toMirror"`
		Configs                 map[string]any `json:"configs"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	typ := strings.ToUpper(strings.TrimSpace(body.SourceTypeName))
	switch {
	case strings.TrimSpace(body.Name) == "":
		writeErr(w, http.StatusBadRequest, CodeBadRequest, "name is required")
		return
	case strings.TrimSpace(body.SourceAccountIdentifier) == "":
		writeErr(w, http.StatusBadRequest, CodeBadRequest, "sourceAccountIdentifier is required")
		return
	case !knownSourceTypes[typ]:
		writeErr(w, http.StatusBadRequest, CodeInvalidSource, "unknown sourceTypeName "+body.SourceTypeName)
		return
	}
	s.mu.Lock()
	for _, src := range s.sources {
		if strings.EqualFold(src.SourceTypeName, typ) && src.SourceAccountIdentifier == body.SourceAccountIdentifier {
			s.mu.Unlock()
			writeErr(w, http.StatusBadRequest, CodeSourceExists, "source account "+body.SourceAccountIdentifier+" already exists for "+typ)
			return
		}
	}
	src := s.addSourceLocked(Source{Name: body.Name, SourceAccountIdentifier: body.SourceAccountIdentifier, SourceTypeName: typ,
		IsActive: true, ToMirror: body.ToMirror, Configs: body.Configs})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"id": src.ID, "uuid": src.UUID, "name": src.Name, "sourceAccountIdentifier": src.SourceAccountIdentifier,
		"sourceTypeName": src.SourceTypeName, "isActive": src.IsActive, "warnings": []item{},
	})
}
