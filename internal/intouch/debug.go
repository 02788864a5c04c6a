package intouch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

const redacted = "[REDACTED]"

// Header and JSON key names whose values never reach the debug trace (compared lower-cased). Switches, not
// maps: nothing to build when ciamctl starts.
func secretHeader(name string) bool {
	switch name {
	case "authorization", "x-cap-api-oauth-token", "cookie", "set-cookie", "proxy-authorization":
		return true
	}
	return false
}

func secretKey(name string) bool {
	switch name {
	case "secret", "password", "accesstoken", "access_token", "token",
		"clientsecret", "client_secret", "refreshtoken", "refresh_token", "id_token":
		return true
	}
	return false
}

const maxTracedBody = 2048

func (c *Client) traceRequest(req *http.Request, body []byte, attempt int) {
	if c.cfg.Debug == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "intouch > %s %s attempt=%d", req.Method, req.URL.Redacted(), attempt)
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.Join(req.Header[k], ",")
		if secretHeader(strings.ToLower(k)) {
			v = redacted
		}
		fmt.Fprintf(&b, " %s=%q", k, v)
	}
	if body != nil {
		fmt.Fprintf(&b, " body=%s", c.redactBody(body))
	}
	fmt.Fprintln(c.cfg.Debug, c.scrub(b.String()))
}

func (c *Client) traceResponse(method, url string, status int, h http.Header, body []byte, took time.Duration, err error) {
	if c.cfg.Debug == nil {
		return
	}
	if err != nil {
		fmt.Fprintln(c.cfg.Debug, c.scrub(fmt.Sprintf("intouch < error %s %s %s: %v", method, url, took.Round(time.Millisecond), err)))
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "intouch < %d %s %s %s", status, method, url, took.Round(time.Millisecond))
	fmt.Fprintf(&b, " X-Cap-Requestid=%q", h.Get("X-Cap-Requestid"))
	if ra := h.Get("Retry-After"); ra != "" {
		fmt.Fprintf(&b, " Retry-After=%q", ra)
	}
	if len(body) > 0 {
		fmt.Fprintf(&b, " body=%s", c.redactBody(body))
	}
	fmt.Fprintln(c.cfg.Debug, c.scrub(b.String()))
}

// redactBody re-encodes a JSON body with secret values replaced, by key name and by the values the client
// knows (before truncating, so no secret is cut in half and half shown); anything not JSON is summarised,
// because a non-JSON body could carry a secret we cannot recognise.
func (c *Client) redactBody(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("[%d bytes, not JSON]", len(body))
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return fmt.Sprintf("[%d bytes]", len(body))
	}
	s := c.scrub(string(out))
	if len(s) > maxTracedBody {
		s = s[:maxTracedBody] + "…(truncated)"
	}
	return s
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if secretKey(strings.ToLower(k)) {
				t[k] = redacted
				continue
			}
			t[k] = redactValue(x)
		}
	case []any:
		for i, x := range t {
			t[i] = redactValue(x)
		}
	}
	return v
}
