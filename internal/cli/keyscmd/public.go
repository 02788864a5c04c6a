package keyscmd

import (
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
)

// PublicOptions holds the dependencies and flags of `keys public`.
type PublicOptions struct {
	Factory *cmdutil.Factory

	Key    string
	Format string
}

// NewCmdPublic builds `keys public KEY`.
func NewCmdPublic(f *cmdutil.Factory, runF func(*PublicOptions) error) *cobra.Command {
	opts := &PublicOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "public KEY|- [--format jwk|pem]",
		Short: "Print the public half of a key, as JWK or PEM",
		Long: `Print the public half of a key: as a JWK (the default), keeping its kid, alg,
use and certificate chain (x5c), or as PEM (SubjectPublicKeyInfo, "PUBLIC KEY",
as openssl pkey -pubout writes it).

KEY is a file (- for stdin) holding one key: a JWK or a JWK set of one key, PEM
(public or private key, or a certificate) or DER. The key must pass the checks
a key set gets (RSA of at least 2048 bits, a valid EC point, no small-order
Ed25519 key). Private members never reach the output.

With -o json or -o yaml the output is {"jwk": {...}, "pem": "..."}.`,
		Example: `  ciamctl keys public testkeys/private.jwk.json
  ciamctl keys public --format pem testkeys/private.jwk.json > public.pem
  ciamctl keys public key.pem | ciamctl jwks add --set jwks.json -`,
		Args: cmdutil.ExactArgs(1, "KEY file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if opts.Format != "jwk" && opts.Format != "pem" {
				return cmdutil.FlagErrorf("--format: %q is not offered; use jwk or pem", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return publicRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "jwk", "output format: jwk or pem")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"jwk", "pem"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// PublicReport is the -o json|yaml shape of `keys public`.
type PublicReport struct {
	JWK json.RawMessage `json:"jwk"`
	PEM string          `json:"pem"`
}

func publicRun(o *PublicOptions) error {
	f := o.Factory
	k, err := readOneCheckedKey(f, o.Key)
	if err != nil {
		return err
	}
	pemBytes, err := jwk.EncodePEM(k.Key)
	if err != nil {
		return fmt.Errorf("KEY %s: encoding PEM: %w", o.Key, err)
	}
	if f.Globals.Output != cmdutil.FormatText {
		raw, err := json.Marshal(k.Key)
		if err != nil {
			return err
		}
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, PublicReport{JWK: raw, PEM: string(pemBytes)})
	}
	if o.Format == "pem" {
		_, err = f.IOStreams.Out.Write(pemBytes)
		return err
	}
	out, err := json.MarshalIndent(k.Key, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f.IOStreams.Out, "%s\n", out)
	return err
}
