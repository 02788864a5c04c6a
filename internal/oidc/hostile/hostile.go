// Package hostile reads the hostile-token suite in testdata/hostile: a
// manifest of attack and certification tokens, the key sets to verify them
// with, the policy, a fixed "now" and the expected verdict, reason and
// message. internal/tools/genhostile writes the files; the internal/oidc and
// internal/cli tests run every case, through the library and the CLI.
//
// The package also holds the deterministic signing used by the generator
// (RSA PKCS #1 v1.5, ECDSA with RFC 6979 nonces, Ed25519, HMAC), so tokens
// only change when their keys, headers or claims do.
package hostile

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// ManifestFile is the manifest's name inside the suite directory.
const ManifestFile = "cases.json"

// ServerPlaceholder stands for the URL of a live attacker server in the
// jku/x5u headers of committed tokens. Tests replace it with an httptest
// server's URL and re-sign the token with the attacker key (Case.Materialize);
// the .invalid name never resolves, so even unreplaced it cannot be fetched.
const ServerPlaceholder = "https://attacker.invalid"

// Manifest is testdata/hostile/cases.json.
type Manifest struct {
	About     []string `json:"about"`
	Generator string   `json:"generator"`
	Cases     []Case   `json:"cases"`
}

// Case is one token and what verifying it must give.
type Case struct {
	Name   string `json:"name"`
	About  string `json:"about"`
	Source string `json:"source"` // "oidc-rp" (certification), "rfc8725" or "common" attacks, "regression"
	// Exactly one of Token, TokenFile and Generate gives the token.
	Token     string    `json:"token,omitempty"`
	TokenFile string    `json:"token_file,omitempty"` // relative to the suite directory
	Generate  *Generate `json:"generate,omitempty"`
	// Server: the token's headers name ServerPlaceholder; the test serves
	// the attacker's key set there and asserts it is never requested.
	Server bool `json:"server,omitempty"`
	// ResignKey: the private JWK (relative path) that re-signs the token
	// after the placeholder is replaced. Only attacker keys are used so.
	ResignKey string `json:"resign_key,omitempty"`

	JWKS   string `json:"jwks"` // relative to the suite directory
	Policy Policy `json:"policy"`
	Now    string `json:"now"` // RFC 3339
	Expect Expect `json:"expect"`
}

// Policy is the verifier policy of a case (CLI: --issuer, --audience, --alg).
type Policy struct {
	Issuer     string   `json:"issuer"`
	Audience   string   `json:"audience"`
	Algorithms []string `json:"algorithms,omitempty"` // empty: the default allow-list
}

// Generate describes a token too big or too repetitive to commit.
type Generate struct {
	// Kind "oversized": Bytes of base64url characters shaped as a JWT.
	// Kind "deep": a signed-looking token whose Part ("header" or
	// "payload") nests Depth JSON arrays.
	Kind  string `json:"kind"`
	Bytes int    `json:"bytes,omitempty"`
	Part  string `json:"part,omitempty"`
	Depth int    `json:"depth,omitempty"`
}

// Expect is the verdict. Check is the first failed check; Message a
// substring of the Result's Error (the text after "Invalid ID token
// (reason): " in the CLI). Refetches, when set, is how many times the key
// set must be fetched again.
type Expect struct {
	Valid     bool   `json:"valid"`
	Reason    string `json:"reason,omitempty"`
	Check     string `json:"check,omitempty"`
	Message   string `json:"message,omitempty"`
	Refetches *int   `json:"refetches,omitempty"`
	// BoundedAlloc marks cases whose verification must stay within a memory
	// bound however large the input (the tests measure TotalAlloc).
	BoundedAlloc bool `json:"bounded_alloc,omitempty"`
}

// Load reads the manifest from dir.
func Load(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	seen := map[string]bool{}
	for _, c := range m.Cases {
		n := 0
		for _, set := range []bool{c.Token != "", c.TokenFile != "", c.Generate != nil} {
			if set {
				n++
			}
		}
		switch {
		case c.Name == "" || seen[c.Name]:
			return nil, fmt.Errorf("%s: case name %q is empty or repeated", ManifestFile, c.Name)
		case n != 1:
			return nil, fmt.Errorf("%s: case %s: give exactly one of token, token_file, generate", ManifestFile, c.Name)
		case c.JWKS == "" || c.Now == "":
			return nil, fmt.Errorf("%s: case %s: jwks and now are required", ManifestFile, c.Name)
		case c.Expect.Valid != (c.Expect.Reason == ""):
			return nil, fmt.Errorf("%s: case %s: an invalid verdict needs a reason, a valid one none", ManifestFile, c.Name)
		case c.Server && c.ResignKey == "":
			return nil, fmt.Errorf("%s: case %s: server cases need resign_key", ManifestFile, c.Name)
		}
		seen[c.Name] = true
	}
	return &m, nil
}

// Materialize returns the case's token. serverURL replaces ServerPlaceholder in
// server cases, which are then re-signed with ResignKey.
func (c *Case) Materialize(dir, serverURL string) (string, error) {
	switch {
	case c.Generate != nil:
		return c.Generate.Make()
	case c.TokenFile != "":
		b, err := os.ReadFile(filepath.Join(dir, c.TokenFile))
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	case !c.Server:
		return c.Token, nil
	}
	if serverURL == "" {
		return "", fmt.Errorf("case %s needs a server URL", c.Name)
	}
	segs := strings.Split(c.Token, ".")
	if len(segs) != 3 {
		return "", fmt.Errorf("case %s: token is not a compact JWS", c.Name)
	}
	hdr, err := base64.RawURLEncoding.DecodeString(segs[0])
	if err != nil {
		return "", err
	}
	payload, err := base64.RawURLEncoding.DecodeString(segs[1])
	if err != nil {
		return "", err
	}
	newHdr := strings.ReplaceAll(string(hdr), ServerPlaceholder, serverURL)
	if newHdr == string(hdr) {
		return "", fmt.Errorf("case %s: header does not mention %s", c.Name, ServerPlaceholder)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal([]byte(newHdr), &h); err != nil {
		return "", err
	}
	key, err := LoadPrivateKey(filepath.Join(dir, c.ResignKey))
	if err != nil {
		return "", err
	}
	return Sign(h.Alg, key, newHdr, string(payload))
}

// Make builds a generated token.
func (g *Generate) Make() (string, error) {
	switch g.Kind {
	case "oversized":
		if g.Bytes < 16 {
			return "", errors.New("oversized: bytes too small")
		}
		// Three segments of base64url characters: it looks like a JWT until
		// its length is checked.
		b := []byte(strings.Repeat("A", g.Bytes))
		b[0], b[1] = 'e', 'y'
		b[g.Bytes/2] = '.'
		b[g.Bytes-8] = '.'
		return string(b), nil
	case "deep":
		nest := strings.Repeat("[", g.Depth) + strings.Repeat("]", g.Depth)
		hdr, payload := `{"alg":"RS256","typ":"JWT"}`, `{"iss":"https://id.acme.example/","sub":"x"}`
		switch g.Part {
		case "header":
			hdr = `{"alg":"RS256","typ":"JWT","x":` + nest + `}`
		case "payload":
			payload = `{"iss":"https://id.acme.example/","sub":"x","x":` + nest + `}`
		default:
			return "", fmt.Errorf("deep: part %q is not header or payload", g.Part)
		}
		return B64(hdr) + "." + B64(payload) + "." + B64(strings.Repeat("\x00", 256)), nil
	}
	return "", fmt.Errorf("unknown generate kind %q", g.Kind)
}

// B64 is unpadded base64url.
func B64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// LoadPrivateKey reads a private JWK file and returns its crypto key.
func LoadPrivateKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := jwk.ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw any
	if err := k.Raw(&raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if ed, ok := raw.(ed25519.PrivateKey); ok {
		return ed, nil
	}
	if p, ok := raw.(*ed25519.PrivateKey); ok {
		return *p, nil
	}
	s, ok := raw.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: not a private key", path)
	}
	return s, nil
}

// Sign makes a compact JWS over exactly these header and payload bytes,
// deterministically: RS256 (PKCS #1 v1.5), ES256 (RFC 6979), EdDSA, or HS256
// with key as the secret ([]byte).
func Sign(alg string, key any, header, payload string) (string, error) {
	input := B64(header) + "." + B64(payload)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	var err error
	switch alg {
	case "RS256":
		k, ok := key.(*rsa.PrivateKey)
		if !ok {
			return "", fmt.Errorf("RS256 needs an RSA key, not %T", key)
		}
		sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:])
	case "ES256":
		k, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return "", fmt.Errorf("ES256 needs an EC key, not %T", key)
		}
		// A nil random source selects deterministic RFC 6979 nonces.
		var der []byte
		if der, err = k.Sign(nil, digest[:], crypto.SHA256); err == nil {
			sig, err = rawECDSA(der, 32)
		}
	case "EdDSA":
		k, ok := key.(ed25519.PrivateKey)
		if !ok {
			return "", fmt.Errorf("EdDSA needs an Ed25519 key, not %T", key)
		}
		sig = ed25519.Sign(k, []byte(input))
	case "HS256":
		secret, ok := key.([]byte)
		if !ok {
			return "", fmt.Errorf("HS256 needs a []byte secret, not %T", key)
		}
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(input))
		sig = m.Sum(nil)
	default:
		return "", fmt.Errorf("cannot sign %s", alg)
	}
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// rawECDSA turns an ASN.1 ECDSA signature into JWS form: r || s, each
// padded to size bytes.
func rawECDSA(der []byte, size int) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, err
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}
