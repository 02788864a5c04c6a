package rp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The revocation authenticates as discovery advertises (RFC 8414 §2): Basic by default and whenever it
// is offered, the form when only client_secret_post is, client_id alone for a public client; a client
// with a secret and an endpoint that takes neither is refused before anything is sent.
func TestRevokeAuthenticatesAsAdvertised(t *testing.T) {
	type seen struct {
		basic        bool
		user, pass   string
		formID       string
		formSecret   string
		hasFormField bool
	}
	var got *seen
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		s := &seen{formID: r.PostForm.Get("client_id"), formSecret: r.PostForm.Get("client_secret"), hasFormField: r.PostForm.Has("client_secret")}
		s.user, s.pass, s.basic = r.BasicAuth()
		got = s
		w.WriteHeader(http.StatusOK)
	}))
	defer ts.Close()
	const secret = "s3cret/+:x"
	for _, c := range []struct {
		name    string
		client  Client
		want    string
		refused bool
	}{
		{"nothing advertised", Client{ID: "app", Secret: secret}, AuthSecretBasic, false},
		{"basic and post", Client{ID: "app", Secret: secret, RevocationAuthMethods: []string{AuthSecretPost, AuthSecretBasic}}, AuthSecretBasic, false},
		{"post only", Client{ID: "app", Secret: secret, RevocationAuthMethods: []string{AuthSecretPost}}, AuthSecretPost, false},
		{"public client", Client{ID: "app", RevocationAuthMethods: []string{"private_key_jwt"}}, AuthNone, false},
		{"neither", Client{ID: "app", Secret: secret, RevocationAuthMethods: []string{"private_key_jwt", "tls_client_auth"}}, "", true},
		{"empty list", Client{ID: "app", Secret: secret, RevocationAuthMethods: []string{}}, "", true},
	} {
		got = nil
		err := Revoke(context.Background(), ts.Client(), ts.URL, "tok", "access_token", c.client)
		if c.refused {
			if !errors.Is(err, ErrRefused) || got != nil || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "by ;") {
				t.Errorf("%s: err %v, request sent %v", c.name, err, got != nil)
			}
			continue
		}
		if err != nil || got == nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch c.want {
		case AuthSecretBasic:
			u, _ := url.QueryUnescape(got.user)
			p, _ := url.QueryUnescape(got.pass)
			if !got.basic || u != "app" || p != secret || got.hasFormField || got.formID != "" {
				t.Errorf("%s: want Basic only, got %+v", c.name, got)
			}
		case AuthSecretPost:
			if got.basic || got.formID != "app" || got.formSecret != secret {
				t.Errorf("%s: want the form, got %+v", c.name, got)
			}
		case AuthNone:
			if got.basic || got.formID != "app" || got.hasFormField {
				t.Errorf("%s: want client_id alone, got %+v", c.name, got)
			}
		}
	}
}
