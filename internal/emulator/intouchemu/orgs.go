package intouchemu

import (
	"fmt"
	"net/http"
)

// actsOnThisOrg decides which org an authenticated call acts on, as the org-hierarchy reference has it: the
// credentials' org, or with X-CAP-API-AUTH-ORG-ID a child org of it. It answers the call itself (false) when
// the header names an org the credentials may not act on, when the path's org is not the acting one, and when
// the acting org is not the one whose data the emulator holds (an org without source accounts).
func (s *Server) actsOnThisOrg(w http.ResponseWriter, r *http.Request, route string) bool {
	cred, acting := s.opts.CredentialsOrgID, s.opts.CredentialsOrgID
	if h := r.Header.Get("X-CAP-API-AUTH-ORG-ID"); h != "" && h != cred {
		if h != s.opts.OrgID || !s.opts.CredentialsOrgIsParent {
			writeErr(w, http.StatusForbidden, CodeForbidden, fmt.Sprintf("Access denied: org %s is not a child of org %s", h, cred))
			return false
		}
		acting = h
	}
	if org := r.PathValue("orgId"); org != "" && org != acting {
		writeErr(w, http.StatusForbidden, CodeForbidden, "Access denied: org "+org+" is not accessible with these credentials")
		return false
	}
	if acting == s.opts.OrgID {
		return true
	}
	if route == RouteListSources {
		writeJSON(w, http.StatusOK, map[string]any{"data": []Source{}, "warnings": []item{}, "errors": []item{}})
		return false
	}
	writeErr(w, http.StatusBadRequest, CodeInvalidSource, fmt.Sprintf("Invalid source passed: org %s has no such source account", acting))
	return false
}
