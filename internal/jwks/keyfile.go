package jwks

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v2/cert"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Format is how a key file is written.
type Format string

const (
	FormatJWKS Format = "JWKS" // {"keys": [...]}
	FormatJWK  Format = "JWK"  // one key object
	FormatPEM  Format = "PEM"  // key and certificate blocks
	FormatDER  Format = "DER"  // one binary key or certificate
)

// ErrNotKeyFile marks data that is none of the formats DecodeKeyFile reads.
var ErrNotKeyFile = errors.New("not a key file")

// FileKey is one key read from a key file, as a JWK: the member object as
// written (JWKS, JWK) or converted from PEM or DER, with the certificate
// chain as x5c when it came with one.
type FileKey struct {
	JWK     json.RawMessage
	Private bool   // it holds private members (d, p, q, …)
	Source  string // where in the file, for messages: "key #1", "PEM block 2 (PRIVATE KEY)"
}

// KeyFile is a decoded key file.
type KeyFile struct {
	Format Format
	Keys   []FileKey
}

// pemKeyTypes are the PEM blocks read as keys, through jwk.ParseKey with
// jwk.WithPEM: SPKI and PKCS#1 public keys, PKCS#8, PKCS#1 and SEC 1
// private keys.
var pemKeyTypes = []string{"PUBLIC KEY", "RSA PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"}

// DecodeKeyFile reads the key formats users hand to ciamctl: a JWK set, a
// single JWK, PEM (keys and certificates, several blocks allowed) or one
// DER key or certificate. It does not check the keys: Check and the Set
// parser do. Errors wrap ErrNotKeyFile and never quote key material.
func DecodeKeyFile(data []byte) (*KeyFile, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, fmt.Errorf("%w: the file is empty", ErrNotKeyFile)
	case trimmed[0] == '{':
		return decodeJSON(trimmed)
	case bytes.Contains(data, []byte("-----BEGIN ")):
		return decodePEM(data)
	case trimmed[0] == 0x30: // an ASN.1 SEQUENCE: DER
		return decodeDER(data)
	}
	return nil, fmt.Errorf("%w: not a JWK set, a JWK, PEM or DER", ErrNotKeyFile)
}

func decodeJSON(data []byte) (*KeyFile, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: invalid JSON: %v", ErrNotKeyFile, err)
	}
	if rawKeys, ok := doc["keys"]; ok {
		var keys []json.RawMessage
		if err := json.Unmarshal(rawKeys, &keys); err != nil || keys == nil {
			return nil, fmt.Errorf(`%w: "keys" is not an array`, ErrNotKeyFile)
		}
		kf := &KeyFile{Format: FormatJWKS}
		for i, k := range keys {
			kf.Keys = append(kf.Keys, FileKey{JWK: k, Private: hasPrivateMembers(k), Source: fmt.Sprintf("key #%d", i)})
		}
		return kf, nil
	}
	if _, ok := doc["kty"]; ok {
		return &KeyFile{Format: FormatJWK, Keys: []FileKey{{JWK: json.RawMessage(data), Private: hasPrivateMembers(data), Source: "the JWK"}}}, nil
	}
	return nil, fmt.Errorf(`%w: JSON with neither "keys" (a JWK set) nor "kty" (a JWK)`, ErrNotKeyFile)
}

// hasPrivateMembers reports a JWK holding secret material: private members,
// or a symmetric key, which is all secret.
func hasPrivateMembers(raw json.RawMessage) bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return false
	}
	if kty, _ := stringMember(fields, "kty"); kty == "oct" {
		return true
	}
	for _, m := range privateMembers {
		if _, ok := fields[m]; ok {
			return true
		}
	}
	return false
}

// pemEntry gathers one key of a PEM file: a key block, a certificate chain,
// or both when the file holds a key and its certificate.
type pemEntry struct {
	key    jwk.Key
	pub    crypto.PublicKey
	certs  []fileCert
	source string
}

// fileCert is a certificate of a key file. parsed is nil for one whose only
// fault is a negative serial number, which crypto/x509 refuses: it is read
// as an x5c certificate is (parseLeaf) and chains to nothing.
type fileCert struct {
	der    []byte
	parsed *x509.Certificate
}

// parseFileCert reads a certificate block of a key file, its public key and
// the certificate to keep.
func parseFileCert(der []byte) (crypto.PublicKey, fileCert, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c.PublicKey, fileCert{der: c.Raw, parsed: c}, nil
	}
	if leaf, ok := parseNegativeSerial(der); ok {
		return leaf.pub, fileCert{der: der}, nil
	}
	return nil, fileCert{}, err
}

func decodePEM(data []byte) (*KeyFile, error) {
	var entries []*pemEntry
	rest := data
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		where := fmt.Sprintf("PEM block %d (%s)", n, block.Type)
		switch {
		case block.Type == "EC PARAMETERS":
			continue // openssl ecparam -genkey writes it before the key
		case block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "":
			return nil, fmt.Errorf("%w: %s is encrypted: decrypt it first (openssl pkey -in FILE -out PLAIN.pem)", ErrNotKeyFile, where)
		case block.Type == "CERTIFICATE":
			pub, c, err := parseFileCert(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrNotKeyFile, where, err)
			}
			entries = addCert(entries, pub, c, where)
		case slices.Contains(pemKeyTypes, block.Type):
			key, err := jwk.ParseKey(pem.EncodeToMemory(block), jwk.WithPEM(true))
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrNotKeyFile, where, unwrapAll(err))
			}
			pub, err := rawPublic(key)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrNotKeyFile, where, err)
			}
			entries = addKey(entries, key, pub, where)
		default:
			return nil, fmt.Errorf("%w: %s is not a key or certificate (read: %s, CERTIFICATE)", ErrNotKeyFile, where, strings.Join(pemKeyTypes, ", "))
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%w: no PEM key or certificate block found", ErrNotKeyFile)
	}
	kf := &KeyFile{Format: FormatPEM}
	for _, e := range entries {
		fk, err := e.fileKey()
		if err != nil {
			return nil, err
		}
		kf.Keys = append(kf.Keys, fk)
	}
	return kf, nil
}

// addCert puts a certificate into the chain it continues (it signed the
// previous certificate), onto the key it certifies, or into a new entry.
func addCert(entries []*pemEntry, pub crypto.PublicKey, c fileCert, where string) []*pemEntry {
	if n := len(entries); n > 0 && c.parsed != nil {
		last := entries[n-1]
		if k := len(last.certs); k > 0 && last.certs[k-1].parsed != nil && last.certs[k-1].parsed.CheckSignatureFrom(c.parsed) == nil {
			last.certs = append(last.certs, c)
			return entries
		}
	}
	for _, e := range entries {
		if len(e.certs) == 0 && publicEqual(e.pub, pub) {
			e.certs = []fileCert{c}
			return entries
		}
	}
	return append(entries, &pemEntry{pub: pub, certs: []fileCert{c}, source: where})
}

// addKey joins a key to the certificate that certifies it, or to the same
// key already read (a private key next to its public half is one key, the
// private one), or adds it.
func addKey(entries []*pemEntry, key jwk.Key, pub crypto.PublicKey, where string) []*pemEntry {
	for _, e := range entries {
		if publicEqual(e.pub, pub) {
			if e.key == nil || (isPrivate(key) && !isPrivate(e.key)) {
				e.key, e.source = key, where
			}
			return entries
		}
	}
	return append(entries, &pemEntry{key: key, pub: pub, source: where})
}

func (e *pemEntry) fileKey() (FileKey, error) {
	key := e.key
	if key == nil {
		var err error
		if key, err = jwk.FromRaw(e.pub); err != nil {
			return FileKey{}, fmt.Errorf("%w: %s: %v", ErrNotKeyFile, e.source, unwrapAll(err))
		}
	}
	ders := make([][]byte, len(e.certs))
	for i, c := range e.certs {
		ders[i] = c.der
	}
	return toFileKey(key, ders, e.source)
}

// toFileKey renders key as a JWK carrying the certificate chain as x5c.
func toFileKey(key jwk.Key, certs [][]byte, source string) (FileKey, error) {
	if len(certs) > 0 {
		var chain cert.Chain
		for _, der := range certs {
			if err := chain.AddString(base64.StdEncoding.EncodeToString(der)); err != nil {
				return FileKey{}, err
			}
		}
		if err := key.Set(jwk.X509CertChainKey, &chain); err != nil {
			return FileKey{}, err
		}
	}
	b, err := json.Marshal(key)
	if err != nil {
		return FileKey{}, fmt.Errorf("%w: %s: %v", ErrNotKeyFile, source, err)
	}
	return FileKey{JWK: b, Private: isPrivate(key), Source: source}, nil
}

// decodeDER reads one DER certificate, public key (SPKI, PKCS#1) or private
// key (PKCS#8, PKCS#1, SEC 1), in the order the formats are most common.
func decodeDER(der []byte) (*KeyFile, error) {
	var certs [][]byte
	var raw any
	if pub, c, err := parseFileCert(der); err == nil {
		raw, certs = pub, [][]byte{c.der}
	} else {
		for _, parse := range []func([]byte) (any, error){
			x509.ParsePKIXPublicKey,
			func(b []byte) (any, error) { return x509.ParsePKCS1PublicKey(b) },
			x509.ParsePKCS8PrivateKey,
			func(b []byte) (any, error) { return x509.ParsePKCS1PrivateKey(b) },
			func(b []byte) (any, error) { return x509.ParseECPrivateKey(b) },
		} {
			if k, err := parse(der); err == nil {
				raw = k
				break
			}
		}
	}
	if raw == nil {
		return nil, fmt.Errorf("%w: DER data that is not a certificate, SPKI or PKCS#1 public key, or PKCS#8, PKCS#1 or SEC 1 private key", ErrNotKeyFile)
	}
	key, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: DER key of type %T is not supported: %v", ErrNotKeyFile, raw, unwrapAll(err))
	}
	fk, err := toFileKey(key, certs, "the DER key")
	if err != nil {
		return nil, err
	}
	return &KeyFile{Format: FormatDER, Keys: []FileKey{fk}}, nil
}

func rawPublic(key jwk.Key) (crypto.PublicKey, error) {
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		return nil, err
	}
	var raw any
	if err := pub.Raw(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

func publicEqual(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

func isPrivate(key jwk.Key) bool {
	switch key.(type) {
	case jwk.RSAPrivateKey, jwk.ECDSAPrivateKey, jwk.OKPPrivateKey, jwk.SymmetricKey:
		return true
	}
	return false
}

// unwrapAll keeps the innermost cause of jwx's layered errors ("failed to
// parse PEM encoded key: failed to parse PKIX public key: asn1: …").
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// Public returns the key's public half as a JWK, keeping its other members
// (kid, alg, use, x5c). A public key is returned as written.
func (k FileKey) Public() (json.RawMessage, error) {
	if !k.Private {
		return k.JWK, nil
	}
	key, err := jwk.ParseKey(k.JWK)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot parse key: %v", k.Source, unwrapAll(err))
	}
	if _, ok := key.(jwk.SymmetricKey); ok {
		return nil, fmt.Errorf("%s is a symmetric (oct) key: it has no public half", k.Source)
	}
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot derive the public key: %v", k.Source, unwrapAll(err))
	}
	return json.Marshal(pub)
}

// PublicSet returns the file's keys as a JWK set of their public halves,
// and whether any of them was private. A JWK set is returned as written:
// private members in a set are what its checks call a leak.
func (kf *KeyFile) PublicSet(data []byte) (doc []byte, reduced bool, err error) {
	if kf.Format == FormatJWKS {
		return data, false, nil
	}
	keys := make([]json.RawMessage, len(kf.Keys))
	for i, k := range kf.Keys {
		if keys[i], err = k.Public(); err != nil {
			return nil, false, err
		}
		reduced = reduced || k.Private
	}
	doc, err = json.Marshal(map[string][]json.RawMessage{"keys": keys})
	return doc, reduced, err
}
