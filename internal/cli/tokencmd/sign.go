package tokencmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/keys"
)

// SignOptions holds the dependencies and flags of `token sign`.
type SignOptions struct {
	Factory *cmdutil.Factory

	Key       string
	Kid       string
	Claims    string
	Sets      []string
	ExpiresIn time.Duration
}

// NewCmdSign builds `token sign`.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sign --key FILE [--claims FILE|-] [--set CLAIM=VALUE ...]",
		Short: "Sign a test ID token with a private JWK",
		Long: `Mint a signed token for tests and CI fixtures, with a private JWK made by
` + "`ciamctl keys generate`" + `. The header carries typ JWT, the key's alg and its kid
(or --kid).

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
	fl.StringVar(&opts.Key, "key", "", "private JWK `FILE` to sign with")
	fl.StringVar(&opts.Kid, "kid", "", "kid for the header (default: the key's kid)")
	fl.StringVar(&opts.Claims, "claims", "", "claims as a JSON object from `FILE` (- for stdin)")
	fl.StringArrayVar(&opts.Sets, "set", nil, "set a claim, CLAIM=VALUE (repeatable); JSON values are kept as JSON")
	fl.DurationVar(&opts.ExpiresIn, "expires-in", keys.DefaultExpiresIn, "lifetime for exp when the claims have none")
	_ = cmd.MarkFlagFilename("key", "json", "jwk")
	_ = cmd.MarkFlagFilename("claims", "json")
	return cmd
}

func signRun(o *SignOptions) error {
	f := o.Factory
	key, err := f.ReadInputFile(o.Key, "--key", false)
	if err != nil {
		return err
	}
	claims, err := o.claims()
	if err != nil {
		return err
	}
	tok, err := keys.Sign(key, claims, keys.SignOptions{Kid: o.Kid, ExpiresIn: o.ExpiresIn, Now: f.Now})
	if err != nil {
		// The claims are a valid object by now, so the key is at fault.
		// keys.Sign never quotes key material in its errors.
		return cmdutil.WithHint(cmdutil.FlagErrorf("--key %s: %s", o.Key, err),
			"--key takes the private JWK written by `ciamctl keys generate` (private.jwk.json), not the JWKS")
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, map[string]string{"token": tok})
	}
	_, err = fmt.Fprintln(f.IOStreams.Out, tok)
	return err
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
