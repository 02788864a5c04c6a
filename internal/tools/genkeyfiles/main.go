// Command genkeyfiles writes testdata/keyfiles: keys and certificates in
// the encodings users bring to ciamctl (PEM in every flavour, DER), made by
// OpenSSL rather than by Go, so that the tests read what another tool
// wrote. See testdata/keyfiles/README.md.
//
//	go run ./internal/tools/genkeyfiles   # from the module root; needs openssl
//
// Keys are fresh on every run, so the goldens that show them must be
// regenerated too (go test ./internal/cli -update). They are test keys:
// published in this repository, never to be trusted.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

var dir = filepath.Join("testdata", "keyfiles")

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genkeyfiles:", err)
		os.Exit(1)
	}
}

// steps are openssl invocations run in dir, in order. Temporary files
// (the CA's key) live in a scratch directory, named by $TMP.
var steps = []string{
	// RSA 2048: the private key in PKCS#1 ("RSA PRIVATE KEY") and PKCS#8,
	// the public key as SPKI and PKCS#1, and DER.
	"genrsa -traditional -out rsa-pkcs1.pem 2048",
	"pkey -in rsa-pkcs1.pem -out rsa-pkcs8.pem",
	"pkey -in rsa-pkcs1.pem -outform DER -out rsa-pkcs8.der",
	"pkey -in rsa-pkcs1.pem -pubout -out rsa-public.pem",
	"rsa -in rsa-pkcs1.pem -RSAPublicKey_out -out rsa-public-pkcs1.pem",
	"pkey -in rsa-pkcs1.pem -pubout -outform DER -out rsa-public.der",
	// A self-signed certificate for the RSA key, PEM and DER.
	"req -x509 -new -key rsa-pkcs1.pem -subj /CN=ciamctl-test-rsa -days 3650 -set_serial 1 -out rsa-cert.pem",
	"x509 -in rsa-cert.pem -outform DER -out rsa-cert.der",
	// EC P-256 as openssl ecparam writes it: EC PARAMETERS, then SEC 1.
	"ecparam -name prime256v1 -genkey -out ec-sec1.pem",
	"ec -in ec-sec1.pem -pubout -outform DER -out ec-public.der",
	// A chain: a certificate for the EC key issued by a throw-away CA.
	"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $TMP/ca.key -subj /CN=ciamctl-test-ca -days 3650 -set_serial 1 -out $TMP/ca.pem",
	"req -new -key ec-sec1.pem -subj /CN=ciamctl-test-leaf -out $TMP/leaf.csr",
	"x509 -req -in $TMP/leaf.csr -CA $TMP/ca.pem -CAkey $TMP/ca.key -days 3650 -set_serial 2 -out $TMP/leaf.pem",
	// Ed25519 (PKCS#8), and the same key encrypted (refused: decrypt first).
	"genpkey -algorithm ed25519 -out ed25519.pem",
	"pkey -in ed25519.pem -aes256 -passout pass:test -out ed25519-encrypted.pem",
	// RSA 1024: weak, refused everywhere.
	"genrsa -traditional -out rsa-1024.pem 1024",
}

func run() error {
	tmp, err := os.MkdirTemp("", "genkeyfiles-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, step := range steps {
		args := strings.Fields(strings.ReplaceAll(step, "$TMP", tmp))
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("openssl %s: %v\n%s", step, err, out)
		}
	}
	leaf, err := os.ReadFile(filepath.Join(tmp, "leaf.pem"))
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(filepath.Join(tmp, "ca.pem"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "ec-chain.pem"), append(leaf, ca...), 0o644)
}
