package keys

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/cert"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// DefaultExpiresIn is the lifetime given to tokens without exp.
const DefaultExpiresIn = time.Hour

// SignOptions tune Sign.
type SignOptions struct {
	Kid       string           // overrides the key's kid in the header
	Alg       string           // the algorithm when the key has none ("": by key type); must match the key's alg
	CertChain [][]byte         // DER certificates, leaf first: header x5c, x5t and x5t#S256
	ExpiresIn time.Duration    // exp = iat + ExpiresIn when exp is absent; 0: DefaultExpiresIn
	Now       func() time.Time // nil: time.Now
}

// Sign makes a compact JWS (header typ JWT, the key's alg and kid) over
// claims, which may be a map[string]any, json.RawMessage or []byte holding a
// JSON object. iat and exp are added when absent.
func Sign(privateJWK []byte, claims any, opts SignOptions) (string, error) {
	key, err := jwk.ParseKey(privateJWK)
	if err != nil {
		return "", fmt.Errorf("parsing private key: %w", err)
	}
	return SignKey(key, claims, opts)
}

// SignKey is Sign with a parsed private key.
func SignKey(key jwk.Key, claims any, opts SignOptions) (string, error) {
	if _, ok := key.(jwk.SymmetricKey); ok {
		return "", errors.New("symmetric (oct) keys are not supported: ciamctl never accepts HS* tokens")
	}
	alg, err := keyAlg(key, opts.Alg)
	if err != nil {
		return "", err
	}

	payload, err := claimsWithDefaults(claims, opts)
	if err != nil {
		return "", err
	}

	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.TypeKey, "JWT"); err != nil {
		return "", err
	}
	kid := opts.Kid
	if kid == "" {
		kid = key.KeyID()
	}
	if kid != "" {
		if err := hdr.Set(jws.KeyIDKey, kid); err != nil {
			return "", err
		}
	}
	if err := setCertHeaders(hdr, opts.CertChain); err != nil {
		return "", err
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return "", fmt.Errorf("using private key: %w", err)
	}
	if _, ok := raw.(crypto.Signer); !ok {
		return "", errors.New("the key is a public key; signing needs the private JWK")
	}
	// Sign with the raw key so jwx does not copy JWK fields into the header.
	tok, err := jws.Sign(payload, jws.WithKey(alg, raw, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}
	return string(tok), nil
}

// setCertHeaders names the certificate chain in the header as x5c, and the
// leaf by its SHA-1 (x5t, which Azure AD v1 tokens carry) and SHA-256
// (x5t#S256) thumbprints (RFC 7515 §4.1.6–8).
func setCertHeaders(hdr jws.Headers, chain [][]byte) error {
	if len(chain) == 0 {
		return nil
	}
	var c cert.Chain
	for _, der := range chain {
		if err := c.AddString(base64.StdEncoding.EncodeToString(der)); err != nil {
			return err
		}
	}
	s1, s256 := sha1.Sum(chain[0]), sha256.Sum256(chain[0])
	for name, v := range map[string]any{
		jws.X509CertChainKey:          &c,
		jws.X509CertThumbprintKey:     base64.RawURLEncoding.EncodeToString(s1[:]),
		jws.X509CertThumbprintS256Key: base64.RawURLEncoding.EncodeToString(s256[:]),
	} {
		if err := hdr.Set(name, v); err != nil {
			return err
		}
	}
	return nil
}

// keyAlg is the key's alg, else want, else the natural one for its type.
// A want that differs from the key's own alg is refused.
func keyAlg(key jwk.Key, want string) (jwa.SignatureAlgorithm, error) {
	a := key.Algorithm().String()
	switch {
	case a != "" && want != "" && a != want:
		return "", fmt.Errorf("the key is for %s, not %s", a, want)
	case a == "":
		a = want
	}
	if a != "" {
		var alg jwa.SignatureAlgorithm
		if err := alg.Accept(a); err != nil {
			return "", fmt.Errorf("key alg %q is not a signature algorithm", a)
		}
		return alg, nil
	}
	switch k := key.(type) {
	case jwk.RSAPrivateKey:
		return jwa.RS256, nil
	case jwk.ECDSAPrivateKey:
		switch k.Crv() {
		case jwa.P256:
			return jwa.ES256, nil
		case jwa.P384:
			return jwa.ES384, nil
		case jwa.P521:
			return jwa.ES512, nil
		}
	case jwk.OKPPrivateKey:
		return jwa.EdDSA, nil
	}
	return "", errors.New("cannot tell the signing algorithm: set alg on the key")
}

func claimsWithDefaults(claims any, opts SignOptions) ([]byte, error) {
	var raw []byte
	switch c := claims.(type) {
	case nil:
		raw = []byte("{}")
	case json.RawMessage:
		raw = c
	case []byte:
		raw = c
	default:
		b, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("encoding claims: %w", err)
		}
		raw = b
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, errors.New("claims must be a JSON object")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	iat := now().Unix()
	if v, ok := m["iat"]; ok {
		// Keep a caller's iat as the base for exp when it is a plain number.
		var n json.Number
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if d.Decode(&n) == nil {
			if i, err := n.Int64(); err == nil {
				iat = i
			}
		}
	} else {
		m["iat"] = json.RawMessage(fmt.Sprint(iat))
	}
	if _, ok := m["exp"]; !ok {
		ttl := opts.ExpiresIn
		if ttl == 0 {
			ttl = DefaultExpiresIn
		}
		m["exp"] = json.RawMessage(fmt.Sprint(iat + int64(ttl/time.Second)))
	}
	return json.Marshal(m)
}
