// Command genkeysets writes testdata/keysets: key sets shaped like ones real
// providers publish (PayPal, Yahoo, Azure AD v1), generated here with real
// key sizes, real certificates and a real token, for `jwks inspect`, the
// online checks and key selection by x5t. See testdata/keysets/README.md.
//
//	go run ./internal/tools/genkeysets   # from the module root
//
// Keys are fresh on every run (and not kept), so running it again rewrites
// every key, certificate and token; the tests read only what it writes.
package main

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

var (
	b64url = base64.RawURLEncoding.EncodeToString
	b64std = base64.StdEncoding.EncodeToString
	dir    = filepath.Join("testdata", "keysets")
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genkeysets:", err)
		os.Exit(1)
	}
}

func run() error {
	if err := paypal(); err != nil {
		return err
	}
	if err := yahoo(); err != nil {
		return err
	}
	return azureV1()
}

// paypal: one RSA signing key with its certificate, and an X25519 key
// published for encryption (use: enc), as PayPal's set has.
func paypal() error {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	cert, err := selfSigned(rk, "api.paypal.example", big.NewInt(0x5a1e), false)
	if err != nil {
		return err
	}
	xk, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	sig := rsaJWK(&rk.PublicKey)
	sig["kid"], sig["use"], sig["alg"] = "paypal-sig-2026", "sig", "RS256"
	sig["x5c"], sig["x5t"] = []string{b64std(cert)}, thumb(cert)
	enc := map[string]any{"kty": "OKP", "crv": "X25519", "kid": "paypal-enc-2026", "use": "enc", "alg": "ECDH-ES", "x": b64url(xk.PublicKey().Bytes())}
	return writeJSON("paypal.json", map[string]any{"keys": []any{sig, enc}})
}

// yahoo: an RSA-1024 RS256 key still published next to the ES256 key that
// signs ID tokens, as Yahoo's set has.
func yahoo() error {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return err
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	r := rsaJWK(&weak.PublicKey)
	r["kid"], r["use"], r["alg"] = "0cc175b9c0f1b6a831c399e269772661", "sig", "RS256"
	e := map[string]any{
		"kty": "EC", "crv": "P-256", "kid": "3b18f5b7e2ac9c1ee0a5b6e0bd1f5a5e", "use": "sig", "alg": "ES256",
		"x": b64url(pad(ek.X.Bytes(), 32)), "y": b64url(pad(ek.Y.Bytes(), 32)),
	}
	return writeJSON("yahoo.json", map[string]any{"keys": []any{r, e}})
}

// azureV1: three RSA keys with self-signed certificates, kid equal to x5t
// and no alg, as login.microsoftonline.com/common/discovery/keys publishes
// them; the second certificate has a negative serial number, as Microsoft's
// did from 2014 to 2017. The token carries only x5t (no kid), as Azure AD v1
// tokens do, and is signed by the second key.
func azureV1() error {
	var keys []any
	var signer *rsa.PrivateKey
	var signerX5t string
	for i := range 3 {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return err
		}
		serial := new(big.Int).Lsh(big.NewInt(int64(0x2b4f+i)), 100)
		negative := i == 1
		cert, err := selfSigned(k, "accounts.accesscontrol.windows.net", serial, negative)
		if err != nil {
			return err
		}
		j := rsaJWK(&k.PublicKey)
		j["kty"], j["use"] = "RSA", "sig"
		j["kid"], j["x5t"], j["x5c"] = thumb(cert), thumb(cert), []string{b64std(cert)}
		j["issuer"] = "https://login.microsoftonline.com/{tenantid}/v2.0"
		keys = append(keys, j)
		if i == 1 {
			signer, signerX5t = k, thumb(cert)
		}
	}
	if err := writeJSON("azure-v1.json", map[string]any{"keys": keys}); err != nil {
		return err
	}
	header := map[string]any{"typ": "JWT", "alg": "RS256", "x5t": signerX5t}
	claims := map[string]any{
		"aud": "https://graph.windows.net", "iss": "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
		"iat": 1767225600, "nbf": 1767225600, "exp": 1767229500,
		"sub": "l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA", "oid": "6a1f0e2c-5b7d-4e21-9c0a-6d8e7f1a2b3c",
		"tid": "72f988bf-86f1-41af-91ab-2d7cd011db47", "ver": "1.0", "unique_name": "ada@contoso.example",
	}
	tok, err := sign(signer, header, claims)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "azure-v1-token.jwt"), []byte(tok+"\n"), 0o644)
}

func sign(k *rsa.PrivateKey, header, claims map[string]any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64url(h) + "." + b64url(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64url(sig), nil
}

// selfSigned makes a certificate for k. crypto/x509 refuses to create one
// with a negative serial, so for negative the TBSCertificate is rebuilt
// with the serial negated and signed again by hand.
func selfSigned(k *rsa.PrivateKey, cn string, serial *big.Int, negative bool) ([]byte, error) {
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil || !negative {
		return der, err
	}
	var cert struct {
		TBS    asn1.RawValue
		SigAlg pkix.AlgorithmIdentifier
		Sig    asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		return nil, err
	}
	// TBSCertificate: [0] version, serialNumber, … — replace the second.
	var elems []asn1.RawValue
	for rest := cert.TBS.Bytes; len(rest) > 0; {
		var e asn1.RawValue
		if rest, err = asn1.Unmarshal(rest, &e); err != nil {
			return nil, err
		}
		elems = append(elems, e)
	}
	neg, err := asn1.Marshal(new(big.Int).Neg(serial))
	if err != nil {
		return nil, err
	}
	elems[1] = asn1.RawValue{FullBytes: neg}
	var body []byte
	for _, e := range elems {
		body = append(body, e.FullBytes...)
	}
	tbs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(tbs)
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	if err != nil {
		return nil, err
	}
	cert.TBS = asn1.RawValue{FullBytes: tbs}
	cert.Sig = asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}
	out, err := asn1.Marshal(cert)
	if err != nil {
		return nil, err
	}
	if _, err := x509.ParseCertificate(out); err == nil {
		return nil, fmt.Errorf("the negative-serial certificate parsed: crypto/x509 no longer refuses them")
	}
	return out, nil
}

func rsaJWK(k *rsa.PublicKey) map[string]any {
	return map[string]any{"kty": "RSA", "n": b64url(k.N.Bytes()), "e": b64url(big.NewInt(int64(k.E)).Bytes())}
}

// thumb is the x5t of a certificate: base64url(SHA-1(DER)).
func thumb(der []byte) string {
	sum := sha1.Sum(der)
	return b64url(sum[:])
}

func pad(b []byte, n int) []byte { return append(make([]byte, n-len(b)), b...) }

func writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644)
}
