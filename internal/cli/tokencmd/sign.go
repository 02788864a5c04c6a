package tokencmd

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/keys"
)

// SignOptions holds the dependencies and flags of `token sign`.
type SignOptions struct {
	Factory *cmdutil.Factory

	Key       string
	Kid       string
	Alg       string
	Cert      string
	Claims    string
	Sets      []string
	ExpiresIn time.Duration
}

// NewCmdSign builds `token sign`.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sign --key FILE [--claims FILE|-] [--set CLAIM=VALUE ...] [--cert FILE]",
		Short: "Sign a test ID token with a private key",
		Long: `Mint a signed token for tests and CI fixtures, with a private key: the JWK made
by ` + "`ciamctl keys generate`" + `, or a private key in PEM (PKCS#8, PKCS#1, SEC 1) or
DER. The header carries typ JWT, the key's alg (else --alg, else RS256, ES256,
ES384, ES512 or EdDSA by key type) and its kid (or --kid; a PEM or DER key has
none: pass --kid "$(ciamctl keys thumbprint KEY)" to name it by its RFC 7638
thumbprint, which the verifier matches against keys without kid).

--cert FILE (PEM or DER, the key's certificate, optionally followed by its
chain) adds the chain as x5c and the certificate's x5t and x5t#S256
thumbprints to the header. The certificate must hold the signing key's
public key. The key must pass the checks a key set gets (RSA of at least 2048
bits, a valid EC point).

Claims come from --claims (a JSON object, from a file or - for stdin) and then
--set CLAIM=VALUE, applied in order. A VALUE that is valid JSON (a number, true,
false, null, an array, an object or a "quoted string") is used as that JSON;
anything else is a string. iat defaults to now and exp to iat + --expires-in.

This is for test keys only: never sign with a production key on a shared machine.`,
		Example: `  ciamctl keys generate --alg ES256 --kid test-1 --out testkeys
  ciamctl token sign --key testkeys/private.jwk.json \
    --set iss=https://id.acme.example/ --set aud=acme-loyalty --set sub=3f1c2a9e \
    --set given_name=Ada --set email_verified=true

  # start from a claims file, override one claim, expire in 5 minutes
  ciamctl token sign --key testkeys/private.jwk.json --claims claims.json \
    --set 'aud=["acme-loyalty","other"]' --expires-in 5m

  # round trip
  TOKEN=$(ciamctl token sign --key testkeys/private.jwk.json --set sub=u1 --set aud=acme-loyalty)
  ciamctl token verify --jwks testkeys/jwks.json --audience acme-loyalty "$TOKEN"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Key == "" {
				return cmdutil.WithHint(cmdutil.FlagErrorf("--key FILE is required"),
					"make a test key with `ciamctl keys generate --out DIR` and pass DIR/private.jwk.json")
			}
			if opts.Alg != "" && !jwks.IsSignatureAlg(opts.Alg) {
				return cmdutil.FlagErrorf("--alg: %q is not supported; use one of %s", opts.Alg, strings.Join(jwks.SignatureAlgorithms(), ", "))
			}
			if opts.ExpiresIn <= 0 {
				return cmdutil.FlagErrorf("--expires-in: must be positive, e.g. 1h")
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Key, "key", "", "private key `FILE` to sign with: JWK, PEM or DER")
	fl.StringVar(&opts.Kid, "kid", "", "kid for the header (default: the key's kid)")
	fl.StringVar(&opts.Alg, "alg", "", "signature algorithm for a key without alg (default: by key type)")
	fl.StringVar(&opts.Cert, "cert", "", "certificate `FILE` (PEM or DER) to name in the header as x5c, x5t and x5t#S256")
	fl.StringVar(&opts.Claims, "claims", "", "claims as a JSON object from `FILE` (- for stdin)")
	fl.StringArrayVar(&opts.Sets, "set", nil, "set a claim, CLAIM=VALUE (repeatable); JSON values are kept as JSON")
	fl.DurationVar(&opts.ExpiresIn, "expires-in", keys.DefaultExpiresIn, "lifetime for exp when the claims have none")
	_ = cmd.MarkFlagFilename("key", "json", "jwk", "pem", "key", "der")
	_ = cmd.MarkFlagFilename("cert", "pem", "crt", "cer", "der")
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(jwks.SignatureAlgorithms(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagFilename("claims", "json")
	return cmd
}

func signRun(o *SignOptions) error {
	f := o.Factory
	key, chain, err := o.signingKey()
	if err != nil {
		return err
	}
	claims, err := o.claims()
	if err != nil {
		return err
	}
	tok, err := keys.SignKey(key, claims, keys.SignOptions{Kid: o.Kid, Alg: o.Alg, CertChain: chain, ExpiresIn: o.ExpiresIn, Now: f.Now})
	if err != nil {
		// The claims are a valid object by now, so the key is at fault.
		// keys.Sign never quotes key material in its errors.
		return cmdutil.WithHint(cmdutil.FlagErrorf("--key %s: %s", o.Key, err),
			"--key takes a private key: the private JWK written by `ciamctl keys generate` (private.jwk.json), or a PEM or DER private key")
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, map[string]string{"token": tok})
	}
	_, err = fmt.Fprintln(f.IOStreams.Out, tok)
	return err
}

// signingKey reads --key (one private key, which must pass the key checks)
// and --cert (a certificate chain for that key, DER, leaf first).
func (o *SignOptions) signingKey() (jwk.Key, [][]byte, error) {
	f := o.Factory
	kf, err := f.ReadKeyFile(o.Key, "--key", false)
	if err != nil {
		return nil, nil, err
	}
	k, err := cmdutil.OneKey(kf, o.Key, "--key")
	if err != nil {
		return nil, nil, err
	}
	if !k.Private {
		return nil, nil, cmdutil.WithHint(cmdutil.FlagErrorf("--key %s holds a public key; signing needs the private key", o.Key),
			"--key takes the private JWK written by `ciamctl keys generate` (private.jwk.json), not the JWKS, or a PEM or DER private key")
	}
	checked, err := f.CheckPublicKey(k, o.Key, "--key")
	if err != nil {
		return nil, nil, err
	}
	if o.Alg != "" && !jwks.AlgFits(o.Alg, checked.Info.Kty, checked.Info.Curve) {
		return nil, nil, cmdutil.FlagErrorf("--alg %s does not fit the key (%s%s)", o.Alg, checked.Info.Kty, curveSuffix(checked.Info.Curve))
	}
	key, err := jwk.ParseKey(k.JWK)
	if err != nil {
		return nil, nil, cmdutil.FlagErrorf("--key %s: cannot parse the key", o.Key)
	}
	if o.Cert == "" {
		return key, nil, nil
	}
	chain, err := o.certChain(checked.Key)
	return key, chain, err
}

// certChain reads --cert: the certificates of its one key, which must be
// the signing key's public key.
func (o *SignOptions) certChain(signing jwk.Key) ([][]byte, error) {
	kf, err := o.Factory.ReadKeyFile(o.Cert, "--cert", false)
	if err != nil {
		return nil, err
	}
	c, err := cmdutil.OneKey(kf, o.Cert, "--cert")
	if err != nil {
		return nil, err
	}
	certKey, err := jwk.ParseKey(c.JWK)
	if err != nil {
		return nil, cmdutil.FlagErrorf("--cert %s: cannot parse the certificate's key", o.Cert)
	}
	chain := certKey.X509CertChain()
	if chain == nil || chain.Len() == 0 {
		return nil, cmdutil.FlagErrorf("--cert %s holds a key but no certificate", o.Cert)
	}
	want, err1 := jwks.Thumbprint(signing, crypto.SHA256)
	got, err2 := jwks.Thumbprint(certKey, crypto.SHA256)
	if err1 != nil || err2 != nil || want != got {
		return nil, cmdutil.FlagErrorf("--cert %s is a certificate for another key than --key %s", o.Cert, o.Key)
	}
	ders := make([][]byte, chain.Len())
	for i := range ders {
		b64, _ := chain.Get(i)
		der, err := base64.StdEncoding.DecodeString(string(b64))
		if err != nil {
			return nil, cmdutil.FlagErrorf("--cert %s: certificate %d is not base64", o.Cert, i+1)
		}
		ders[i] = der
	}
	return ders, nil
}

func curveSuffix(crv string) string {
	if crv == "" {
		return ""
	}
	return " " + crv
}

// claims merges --claims and --set into one JSON object.
func (o *SignOptions) claims() (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if o.Claims != "" {
		data, err := o.Factory.ReadInputFile(o.Claims, "--claims", true)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&m); err != nil || m == nil {
			return nil, cmdutil.FlagErrorf("--claims %s: not a JSON object", o.Claims)
		}
		if dec.More() {
			return nil, cmdutil.FlagErrorf("--claims %s: trailing data after the JSON object", o.Claims)
		}
	}
	for _, kv := range o.Sets {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, cmdutil.FlagErrorf("--set %q: expected CLAIM=VALUE, e.g. --set sub=3f1c2a9e", kv)
		}
		m[name] = claimValue(value)
	}
	return m, nil
}

// claimValue keeps a JSON value as it is and makes anything else a string.
func claimValue(v string) json.RawMessage {
	if t := strings.TrimSpace(v); t != "" && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	b, _ := json.Marshal(v)
	return b
}
