package keyscmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/atomicfile"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/keys"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// File names written into --out.
const (
	PrivateKeyFile = "private.jwk.json"
	JWKSFile       = "jwks.json"
)

// GenerateOptions holds the dependencies and flags of `keys generate`.
type GenerateOptions struct {
	Factory *cmdutil.Factory

	Alg   string
	Kid   string
	Size  int
	Out   string
	Force bool
}

// NewCmdGenerate builds `keys generate`.
func NewCmdGenerate(f *cmdutil.Factory, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "generate --out DIR [--alg ALG] [--kid KID] [--size BITS]",
		Short: "Generate a test key pair: a private JWK and a public JWKS",
		Long: `Generate a key pair for tests and CI fixtures and write two files into --out:

  ` + PrivateKeyFile + `  the private key as a JWK (mode 0600), for ` + "`ciamctl token sign --key`" + `
  ` + JWKSFile + `          the public key as a one-key JWKS, for ` + "`ciamctl token verify --jwks`" + `

Both carry alg, kid (default: the RFC 7638 thumbprint) and use "sig". RSA keys
are 2048 bits unless --size says 3072 or 4096. Existing files are kept unless
--force. The private key is never printed.`,
		Example: `  ciamctl keys generate --out testkeys
  ciamctl keys generate --alg ES256 --kid ci-2026 --out testdata/keys
  ciamctl keys generate --alg PS256 --size 4096 --out testkeys/ps
  ciamctl keys generate --alg EdDSA --out testkeys --force   # replace the old pair`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Out == "" {
				return cmdutil.FlagErrorf("--out DIR is required: the directory to write %s and %s into", PrivateKeyFile, JWKSFile)
			}
			if !slices.Contains(keys.Algorithms, opts.Alg) {
				return cmdutil.FlagErrorf("--alg: %q is not supported; use one of %s", opts.Alg, strings.Join(keys.Algorithms, ", "))
			}
			switch {
			case !cmd.Flags().Changed("size"):
				opts.Size = keys.RSABits
			case !keys.IsRSA(opts.Alg):
				return cmdutil.FlagErrorf("--size: only RSA keys have a size to choose; --alg %s has a fixed one", opts.Alg)
			case !slices.Contains(keys.RSASizes, opts.Size):
				return cmdutil.FlagErrorf("--size: %d is not offered; use 2048, 3072 or 4096", opts.Size)
			}
			if runF != nil {
				return runF(opts)
			}
			return generateRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Alg, "alg", "RS256", "signature algorithm: RS256, ES256, EdDSA (also RS/PS/ES 384 and 512)")
	fl.StringVar(&opts.Kid, "kid", "", "key ID (default: the key's RFC 7638 thumbprint)")
	fl.IntVar(&opts.Size, "size", keys.RSABits, "RSA modulus size in `BITS`: 2048, 3072 or 4096")
	fl.StringVar(&opts.Out, "out", "", "directory to write the files into (created if missing)")
	fl.BoolVar(&opts.Force, "force", false, "replace existing key files")
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(keys.Algorithms, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("size", cobra.FixedCompletions([]string{"2048", "3072", "4096"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("out")
	return cmd
}

// GenerateReport is the -o json|yaml shape: where the files went, never the key.
type GenerateReport struct {
	Alg        string `json:"alg"`
	Bits       int    `json:"bits,omitempty"`
	Kid        string `json:"kid"`
	PrivateKey string `json:"private_key"`
	JWKS       string `json:"jwks"`
}

func generateRun(o *GenerateOptions) error {
	f := o.Factory
	privPath := filepath.Join(o.Out, PrivateKeyFile)
	pubPath := filepath.Join(o.Out, JWKSFile)
	if !o.Force {
		for _, p := range []string{privPath, pubPath} {
			_, err := os.Lstat(p)
			switch {
			case err == nil:
				return cmdutil.WithHint(cmdutil.FlagErrorf("%s already exists", p),
					"pass --force to replace the key pair, or choose another --out")
			case !errors.Is(err, fs.ErrNotExist):
				return workspace.IOError("check", p, err)
			}
		}
	}

	priv, pub, err := keys.GenerateSized(o.Alg, o.Kid, o.Size)
	if err != nil {
		return fmt.Errorf("generating a %s key: %w", o.Alg, err)
	}
	set, err := jwks.Parse(pub)
	if err != nil || len(set.Keys) != 1 {
		return fmt.Errorf("generated JWKS does not parse: %v", err)
	}
	rep := GenerateReport{Alg: o.Alg, Kid: set.Keys[0].Kid, PrivateKey: privPath, JWKS: pubPath}
	if keys.IsRSA(o.Alg) {
		rep.Bits = set.Keys[0].Bits
	}

	if err := os.MkdirAll(o.Out, 0o700); err != nil {
		return workspace.IOError("create", o.Out, err)
	}
	// The public half first: a failure then never leaves a private key
	// without its JWKS.
	if err := atomicfile.WriteFile(pubPath, pub, 0o644); err != nil {
		return workspace.IOError("write", pubPath, err)
	}
	if err := atomicfile.WriteFile(privPath, priv, 0o600); err != nil {
		return workspace.IOError("write", privPath, err)
	}

	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep)
	}
	cs := f.IOStreams.ColorScheme()
	what := rep.Alg
	if rep.Bits > 0 {
		what = fmt.Sprintf("%s (RSA %d bits)", rep.Alg, rep.Bits)
	}
	_, err = fmt.Fprintf(f.IOStreams.Out, "%s Generated a key pair: %s, kid %q\n  private key  %s  %s\n  public JWKS  %s\n",
		cs.SuccessIcon(), what, rep.Kid, rep.PrivateKey, cs.Gray("(mode 0600; keep it out of version control)"), rep.JWKS)
	return err
}
