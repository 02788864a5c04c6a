package oauthflow

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"text/template"
	"time"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// CallbackPath is the path of the loopback redirect URI.
const CallbackPath = "/callback"

// loopback is the redirect URI's listener (RFC 8252 §7.3): on the IPv4
// loopback literal, not "localhost" (which may resolve elsewhere, and on
// which providers do not allow any port), for one callback.
type loopback struct {
	ln     net.Listener
	srv    *http.Server
	state  string
	result chan callback
}

type callback struct {
	code string
	err  error
}

// listenLoopback listens on 127.0.0.1:port (0: any free port).
func listenLoopback(port int, state string) (*loopback, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listening for the sign-in's redirect on 127.0.0.1:%d: %v%w", port, err, marker{jwks.ErrUnavailable})
	}
	l := &loopback{ln: ln, state: state, result: make(chan callback, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+CallbackPath, l.callback)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

// RedirectURI is http://127.0.0.1:PORT/callback.
func (l *loopback) RedirectURI() string {
	return "http://" + l.ln.Addr().String() + CallbackPath
}

func (l *loopback) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = l.srv.Shutdown(ctx)
}

// callback takes the first redirect back from the CIAM. The state is
// compared before anything else, so a callback that is not the answer to
// this sign-in (a forged or stale one) never gets its code redeemed.
func (l *loopback) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var res callback
	switch {
	case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.state)) != 1:
		res.err = refused("the sign-in's redirect carries another state than the one sent: a forged or stale callback; its code was not redeemed")
		callbackPage(w, http.StatusBadRequest, "Sign-in refused", "This answer does not belong to the sign-in ciamctl started. Nothing was done; see the terminal.")
	case q.Get("error") != "":
		msg := q.Get("error")
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		res.err = refused("the CIAM ended the sign-in with %s", truncate(msg, 300))
		callbackPage(w, http.StatusOK, "Sign-in did not complete", "The CIAM answered: "+truncate(msg, 300)+". You may close this tab; see the terminal.")
	case q.Get("code") == "":
		res.err = refused("the sign-in's redirect carries neither a code nor an error")
		callbackPage(w, http.StatusBadRequest, "Sign-in refused", "The answer has no code. See the terminal.")
	default:
		res.code = q.Get("code")
		callbackPage(w, http.StatusOK, "Signed in", "ciamctl has the answer. You may close this tab and return to the terminal.")
	}
	select {
	case l.result <- res:
	default: // only the first callback counts
	}
}

// wait returns the code of the first callback, or why there is none.
func (l *loopback) wait(ctx context.Context, limit time.Duration, name string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	select {
	case res := <-l.result:
		return res.code, res.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", unavailable("no sign-in within %s %s; nothing was redeemed", name, limit)
		}
		return "", ctx.Err()
	}
}

func callbackPage(w http.ResponseWriter, status int, title, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(status)
	// text/template's escaper, not package html's: the binary has
	// text/template anyway, and html would add an init to every start.
	fmt.Fprintf(w, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ciamctl: %s</title></head>\n<body>\n<h1>%s</h1>\n<p>%s</p>\n</body></html>\n",
		template.HTMLEscapeString(title), template.HTMLEscapeString(title), template.HTMLEscapeString(text))
}
