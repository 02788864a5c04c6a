package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MaxTokenBytes is the longest token accepted. Real ID tokens are 1–4 KiB;
// the length is checked before any decoding so a huge input costs nothing.
const MaxTokenBytes = 64 << 10

// jwsToken is a compact JWS split and decoded, not yet verified.
type jwsToken struct {
	raw        string
	headerJSON []byte
	header     members
	payload    []byte
	signature  []byte
	alg        string
	kid        string
	hasKid     bool
	headerBuf  [12]member // header's room, in the token's own allocation
}

var b64 = base64.RawURLEncoding.Strict()

// parseCompact splits and decodes a compact JWS. The header must be a strict
// JSON object; with jsonPayload the payload must be one too. Errors are
// messages for users: they never quote the token.
func parseCompact(tok string, jsonPayload bool) (*jwsToken, error) {
	if len(tok) > MaxTokenBytes {
		return nil, fmt.Errorf("token is %d bytes; the limit is %d KiB", len(tok), MaxTokenBytes>>10)
	}
	if tok == "" {
		return nil, errors.New("empty token")
	}
	switch n := strings.Count(tok, ".") + 1; n {
	case 3:
	case 5:
		return nil, errors.New("token has 5 segments: it is an encrypted JWE, only signed JWS tokens are accepted")
	default:
		return nil, fmt.Errorf("token has %d segment(s); a signed JWT has 3 (header.payload.signature)", n)
	}
	first, last := strings.IndexByte(tok, '.'), strings.LastIndexByte(tok, '.')
	segs := [3]string{tok[:first], tok[first+1 : last], tok[last+1:]}
	names := [3]string{"header", "payload", "signature"}
	// One buffer holds all three decoded segments.
	buf := make([]byte, 0, b64.DecodedLen(len(tok)))
	var dec [3][]byte
	for i, seg := range segs {
		if i < 2 && seg == "" {
			return nil, fmt.Errorf("%s segment is empty", names[i])
		}
		start := len(buf)
		n, err := b64.Decode(buf[start:start+b64.DecodedLen(len(seg))], []byte(seg))
		// The decoder skips CR and LF, so a clean decode still needs them
		// absent; only a failure pays for finding the bad character.
		if err != nil || strings.IndexByte(seg, '\n') >= 0 || strings.IndexByte(seg, '\r') >= 0 {
			if !isBase64URL(seg) {
				return nil, fmt.Errorf("%s segment has characters outside base64url (padding, spaces or '+/' are not allowed)", names[i])
			}
			return nil, fmt.Errorf("%s segment is not valid base64url", names[i])
		}
		buf = buf[:start+n]
		dec[i] = buf[start : start+n : start+n]
	}
	t := &jwsToken{raw: tok, headerJSON: dec[0], payload: dec[1], signature: dec[2]}
	if err := checkJSONObject(t.headerJSON); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	header, err := objectMembers(t.headerJSON, t.headerBuf[:0])
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	t.header = header
	if jsonPayload {
		if err := checkJSONObject(t.payload); err != nil {
			// A nested JWT's payload is a compact token, not JSON: say
			// that rather than report a JSON syntax error.
			if nerr := t.checkNesting(); nerr != nil {
				return nil, nerr
			}
			return nil, fmt.Errorf("payload: %w", err)
		}
	}
	rawAlg, ok := t.header.get("alg")
	if !ok {
		return nil, errors.New(`header has no "alg"`)
	}
	if t.alg, ok = jsonString(rawAlg); !ok {
		return nil, errors.New(`header "alg" is not a string`)
	}
	if rawKid, ok := t.header.get("kid"); ok {
		// null would unmarshal as "" and be looked up (and refetched) as a kid.
		if t.kid, ok = jsonString(rawKid); !ok {
			return nil, errors.New(`header "kid" is not a string`)
		}
		t.hasKid = true
	}
	return t, nil
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// headerString reads an optional string header parameter.
func (t *jwsToken) headerString(name string) (string, bool, error) {
	raw, ok := t.header.get(name)
	if !ok {
		return "", false, nil
	}
	s, ok := jsonString(raw)
	if !ok {
		return "", true, fmt.Errorf("header %q is not a string", name)
	}
	return s, true, nil
}

// checkNesting rejects payload forms this verifier does not interpret:
// unencoded payloads (RFC 7797 "b64") and nested JWTs ("cty": "JWT",
// RFC 7519 §5.2) whose inner token would escape every check here.
func (t *jwsToken) checkNesting() error {
	if cty, _, err := t.headerString("cty"); err != nil {
		return err
	} else if strings.EqualFold(cty, "JWT") {
		return errors.New("nested JWT (cty: JWT) is not accepted")
	}
	if _, ok := t.header.get("b64"); ok {
		return errors.New(`"b64" (unencoded payload) is not supported`)
	}
	return nil
}

// checkCrit enforces RFC 7515 §4.1.11: a recipient must reject a token whose
// "crit" lists extensions it does not understand, and we understand none.
// Such tokens are reported as malformed.
func (t *jwsToken) checkCrit() (detail string, err error) {
	raw, ok := t.header.get("crit")
	if !ok {
		return "no critical extensions", nil
	}
	var crit []string
	if err := json.Unmarshal(raw, &crit); err != nil || len(crit) == 0 {
		return "", errors.New(`"crit" must be a non-empty array of strings`)
	}
	for i := range crit {
		crit[i] = fmt.Sprintf("%q", truncate(crit[i], 40))
	}
	return "", fmt.Errorf("critical extension(s) %s not understood", strings.Join(crit, ", "))
}
