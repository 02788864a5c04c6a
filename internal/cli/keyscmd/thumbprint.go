package keyscmd

import (
	"crypto"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

// thumbprintHash is the hash --hash names, or 0.
func thumbprintHash(name string) crypto.Hash {
	switch name {
	case "sha256":
		return crypto.SHA256
	case "sha1":
		return crypto.SHA1
	case "sha384":
		return crypto.SHA384
	case "sha512":
		return crypto.SHA512
	}
	return 0
}

// ThumbprintOptions holds the dependencies and flags of `keys thumbprint`.
type ThumbprintOptions struct {
	Factory *cmdutil.Factory

	Key  string
	Hash string
}

// NewCmdThumbprint builds `keys thumbprint KEY`.
func NewCmdThumbprint(f *cmdutil.Factory, runF func(*ThumbprintOptions) error) *cobra.Command {
	opts := &ThumbprintOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "thumbprint KEY|- [--hash sha256|sha1|sha384|sha512]",
		Short: "Print a key's RFC 7638 JWK thumbprint",
		Long: `Print the RFC 7638 JWK thumbprint of a key: the hash of its required public
members in canonical JSON, base64url without padding. SHA-256 is the default
(and what a kid made by ` + "`ciamctl keys generate`" + ` is); --hash picks another.

KEY is a file (- for stdin) holding one key: a JWK or a JWK set of one key, PEM
(public or private key, or a certificate) or DER. A private key has its public
half's thumbprint. The key must pass the checks a key set gets (RSA of at least
2048 bits, a valid EC point, no small-order Ed25519 key).

A key without kid (PEM, DER) in a --jwks file is found by this thumbprint when
a token names it as its kid.`,
		Example: `  ciamctl keys thumbprint testkeys/private.jwk.json
  ciamctl keys thumbprint signing.pem
  openssl x509 -in cert.pem -outform DER | ciamctl keys thumbprint -
  ciamctl keys thumbprint --hash sha1 -o json key.pem`,
		Args: cmdutil.ExactArgs(1, "KEY file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if thumbprintHash(strings.ToLower(opts.Hash)) == 0 {
				return cmdutil.FlagErrorf("--hash: %q is not offered; use sha256, sha1, sha384 or sha512", opts.Hash)
			}
			if runF != nil {
				return runF(opts)
			}
			return thumbprintRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Hash, "hash", "sha256", "hash function: sha256, sha1, sha384 or sha512")
	_ = cmd.RegisterFlagCompletionFunc("hash", cobra.FixedCompletions([]string{"sha256", "sha1", "sha384", "sha512"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// ThumbprintReport is the -o json|yaml shape of `keys thumbprint`.
type ThumbprintReport struct {
	Thumbprint string `json:"thumbprint"`
	Hash       string `json:"hash"`
	Kty        string `json:"kty"`
	Kid        string `json:"kid,omitempty"`
}

func thumbprintRun(o *ThumbprintOptions) error {
	f := o.Factory
	k, err := readOneCheckedKey(f, o.Key)
	if err != nil {
		return err
	}
	name := strings.ToLower(o.Hash)
	tp, err := jwks.Thumbprint(k.Key, thumbprintHash(name))
	if err != nil {
		return fmt.Errorf("KEY %s: thumbprint: %w", o.Key, err)
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, ThumbprintReport{Thumbprint: tp, Hash: name, Kty: k.Info.Kty, Kid: k.Info.Kid})
	}
	_, err = fmt.Fprintln(f.IOStreams.Out, tp)
	return err
}

// readOneCheckedKey reads the one key of a KEY argument and checks it.
func readOneCheckedKey(f *cmdutil.Factory, path string) (jwks.CheckedKey, error) {
	kf, err := f.ReadKeyFile(path, "KEY", true)
	if err != nil {
		return jwks.CheckedKey{}, err
	}
	k, err := cmdutil.OneKey(kf, path, "KEY")
	if err != nil {
		return jwks.CheckedKey{}, err
	}
	ck, err := f.CheckPublicKey(k, path, "KEY")
	if err != nil {
		return ck, err
	}
	for _, n := range ck.Notes {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: KEY %s: %s\n", path, n)
	}
	return ck, nil
}
