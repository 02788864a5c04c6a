package urlpolicy

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	ok := []string{
		"https://id.example/jwks.json",
		"https://id.example:8443/x?p=b2c_1_signin",
		"http://localhost:8080/jwks",
		"http://LOCALHOST/jwks",
		"http://127.0.0.1:9/x",
		"http://127.1.2.3/x",
		"http://[::1]:8080/x",
		"HTTPS://ID.EXAMPLE/",
	}
	for _, raw := range ok {
		if _, err := Check(raw); err != nil {
			t.Errorf("Check(%q) = %v, want ok", raw, err)
		}
	}
	refused := map[string]string{
		"http://example.com/jwks.json":          "plain http",
		"http://10.0.0.1/jwks":                  "plain http",
		"http://localhost.example.com/":         "plain http",
		"http://[::2]/":                         "plain http",
		"https://user:s3cret-pass@id.example/":  "credentials",
		"https://ghp_token@id.example/":         "credentials",
		"http://user:s3cret-pass@127.0.0.1:80/": "credentials",
		"ftp://id.example/jwks":                 "unsupported URL scheme",
		"file:///etc/passwd":                    "unsupported URL scheme",
		"https:///jwks":                         "no host",
		"id.example/jwks":                       "not an absolute",
		"https://id.example/%zz":                "not a valid URL",
	}
	for raw, want := range refused {
		_, err := Check(raw)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%q) = %v, want a refusal saying %q", raw, err, want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "ghp_token") {
			t.Errorf("Check(%q) echoes the secret: %v", raw, err)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"https://id.example/a", "https://ID.example:443/b?x=1", true},
		{"http://127.0.0.1/a", "http://127.0.0.1:80/b", true},
		{"http://127.0.0.1:8080/a", "https://127.0.0.1:8080/a", false}, // scheme
		{"https://id.example/a", "http://id.example/a", false},         // scheme (downgrade)
		{"http://localhost/a", "https://localhost/a", false},           // scheme (upgrade is another origin too)
		{"https://id.example/a", "https://id.example:8443/a", false},   // port
		{"https://id.example/a", "https://evil.example/a", false},      // host
		{"https://id.example/a", "https://id.example.evil/a", false},   // host suffix
	}
	for _, c := range cases {
		a, _ := url.Parse(c.a)
		b, _ := url.Parse(c.b)
		if got := SameOrigin(a, b); got != c.same {
			t.Errorf("SameOrigin(%s, %s) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

func TestCheckRedirect(t *testing.T) {
	req := func(raw string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := req("http://127.0.0.1:8080/jwks?token=abcd")
	if err := CheckRedirect(req("http://127.0.0.1:8080/v2/jwks"), []*http.Request{first}); err != nil {
		t.Errorf("same-origin redirect refused: %v", err)
	}
	err := CheckRedirect(req("http://evil.example/steal?token=abcd"), []*http.Request{first})
	if err == nil || !strings.Contains(err.Error(), "another origin (http://evil.example, from http://127.0.0.1:8080) refused") {
		t.Errorf("loopback http to another host: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "abcd") {
		t.Errorf("the error shows the query: %v", err)
	}
	if err := CheckRedirect(req("https://127.0.0.1:8080/jwks"), []*http.Request{first}); err == nil {
		t.Error("a scheme change was followed")
	}
	if err := CheckRedirect(req("http://127.0.0.1:8080/jwks?token=abcd"), []*http.Request{first}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("loop: %v", err)
	}
	via := []*http.Request{first}
	for i := range MaxRedirects - 1 {
		via = append(via, req("http://127.0.0.1:8080/hop"+string(rune('a'+i))))
	}
	if err := CheckRedirect(req("http://127.0.0.1:8080/last"), via); err == nil || !strings.Contains(err.Error(), "too many redirects") {
		t.Errorf("too many: %v", err)
	}
}

// A request with a body carrying a secret follows no redirect at all; a GET
// follows CheckRedirect's rule.
func TestCheckRedirectGETOnly(t *testing.T) {
	first, _ := http.NewRequest(http.MethodPost, "https://id.example/token", nil)
	next, _ := http.NewRequest(http.MethodGet, "https://id.example/token2", nil)
	if err := CheckRedirectGETOnly(next, []*http.Request{first}); !errors.Is(err, http.ErrUseLastResponse) {
		t.Errorf("a redirected POST (same origin): %v, want http.ErrUseLastResponse", err)
	}
	get, _ := http.NewRequest(http.MethodGet, "https://id.example/userinfo", nil)
	if err := CheckRedirectGETOnly(next, []*http.Request{get}); err != nil {
		t.Errorf("a same-origin GET redirect: %v", err)
	}
	away, _ := http.NewRequest(http.MethodGet, "https://evil.example/userinfo", nil)
	if err := CheckRedirectGETOnly(away, []*http.Request{get}); !errors.Is(err, ErrCrossOriginRedirect) {
		t.Errorf("a cross-origin GET redirect: %v", err)
	}
}
