package ciamemu

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Grant types (RFC 6749, RFC 8628).
const (
	GrantAuthorizationCode = "authorization_code"
	GrantPassword          = "password"
	GrantClientCredentials = "client_credentials"
	GrantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	GrantRefreshToken      = "refresh_token"
)

// Client authentication methods (OIDC Core §9).
const (
	AuthSecretBasic = "client_secret_basic"
	AuthSecretPost  = "client_secret_post"
	AuthNone        = "none"
)

func (s *Server) offers(grant string) bool { return slices.Contains(s.opts.Grants, grant) }

func (s *Server) accepts(method string) bool { return slices.Contains(s.opts.TokenAuthMethods, method) }

// confidential reports whether the client has a secret to present.
func (s *Server) confidential() bool { return s.opts.ClientSecret != "" }

// authenticateClient checks the client of a token or device request as a
// real CIAM does: the client ID, and for a confidential client its secret by
// one of the accepted methods. It answers the error itself and returns false.
func (s *Server) authenticateClient(w http.ResponseWriter, r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	method := AuthSecretBasic
	if basic {
		// RFC 6749 §2.3.1: the credentials are form-encoded before Basic encoding.
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
		if r.PostForm.Has("client_secret") {
			return clientError(w, "the client authenticated twice (Basic and client_secret); use one method")
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		method = AuthSecretPost
		if !r.PostForm.Has("client_secret") {
			method = AuthNone
		}
	}
	switch {
	case id == "":
		return clientError(w, "no client_id")
	case id != s.opts.ClientID:
		return clientError(w, "unknown client")
	case !s.confidential() && secret != "":
		return clientError(w, "the client is public (a native app): it has no secret to present")
	case !s.confidential():
		return true
	case method == AuthNone:
		return clientError(w, "the client is confidential: present its secret ("+strings.Join(s.opts.TokenAuthMethods, ", ")+")")
	case !s.accepts(method):
		return clientError(w, method+" is not accepted; this CIAM takes "+strings.Join(s.opts.TokenAuthMethods, ", "))
	case subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1:
		return clientError(w, "wrong client secret")
	}
	return true
}

func clientError(w http.ResponseWriter, desc string) bool {
	w.Header().Set("WWW-Authenticate", `Basic realm="ciamemu"`)
	oauthError(w, http.StatusUnauthorized, "invalid_client", desc)
	return false
}

// redirectAllowed reports whether uri is one of the client's registered
// redirect URIs; a registration on a loopback IP literal matches any port
// (RFC 8252 §7.3), since a native app listens on whatever port is free.
func (s *Server) redirectAllowed(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Fragment != "" || u.User != nil {
		return false
	}
	for _, reg := range s.opts.RedirectURIs {
		if reg == uri {
			return true
		}
		r, err := url.Parse(reg)
		if err != nil || !loopbackLiteral(r.Hostname()) {
			continue
		}
		if u.Scheme == "http" && r.Scheme == "http" && u.Hostname() == r.Hostname() && u.Path == r.Path && u.RawQuery == r.RawQuery {
			return true
		}
	}
	return false
}

func loopbackLiteral(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
