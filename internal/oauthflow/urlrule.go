package oauthflow

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ciamctl/ciamctl/internal/oidc"
)

// The URL rule of issue 12, for every URL this package sends a request to
// or opens in the browser: absolute http(s), no credentials in it, https
// unless the host is loopback; redirects only within the first request's
// origin. (When internal/urlpolicy lands, checkURL and sameOrigin are its
// Check and CheckRedirect.)

// checkEndpoint applies the rule to a URL named by discovery (e.g.
// "token_endpoint"). A URL that breaks it is a fault of the CIAM's
// document (exit 1), like a discovery document for another issuer.
func checkEndpoint(name, raw string) error {
	if raw == "" {
		return fmt.Errorf("discovery names no %s%w", name, marker{oidc.ErrMismatch})
	}
	if err := checkURL(raw); err != nil {
		return fmt.Errorf("discovery's %s: %v%w", name, err, marker{oidc.ErrMismatch})
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q is not an http(s) URL", truncate(raw, 100))
	case u.Host == "":
		return fmt.Errorf("%q has no host", truncate(raw, 100))
	case u.User != nil:
		return errors.New("carries credentials (user:password@); secrets come from the environment")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("%s uses plain http to a host that is not loopback; only https is allowed", redactedOrigin(u))
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func redactedOrigin(u *url.URL) string { return strings.ToLower(u.Scheme) + "://" + u.Host }

// errRedirect marks a redirect refused by sameOrigin.
var errRedirect = errors.New("redirect refused")

const maxRedirects = 5

// sameOrigin follows a redirect only within the origin of the first
// request: a token request carries the client secret, a password or a code,
// and none of them may reach another host (as curl does for credentials).
func sameOrigin(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", errRedirect, maxRedirects)
	}
	if first := via[0].URL; origin(first) != origin(req.URL) {
		return fmt.Errorf("%w: to another origin (%s, from %s)", errRedirect, redactedOrigin(req.URL), redactedOrigin(first))
	}
	return nil
}
