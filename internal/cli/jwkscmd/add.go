package jwkscmd

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/jwks"
)

// AddOptions holds the dependencies and flags of `jwks add`.
type AddOptions struct {
	Factory *cmdutil.Factory

	Set  string
	Kid  string
	Keys []string
}

// NewCmdAdd builds `jwks add --set FILE KEY…`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "add --set FILE KEY... [--kid KID]",
		Short: "Add keys to a JWK set file (rotation fixtures)",
		Long: `Add the public half of each KEY to the JWK set in --set FILE, creating the file
when it does not exist. Use it to build multi-key sets for key rotation tests:
the old key and the new one side by side, then ` + "`jwks remove`" + ` the old one.

A KEY is a file holding keys: a JWK, a JWK set (every key is added), PEM
(public or private key, certificates; a certificate becomes x5c) or DER. Only
public keys are ever written to a set: a private key is reduced to its public
half, and said so. Every key must pass the checks a key set gets (RSA of at
least 2048 bits, a valid EC point, no small-order Ed25519 key).

A key keeps its kid; a key without one gets --kid (with a single KEY holding
one key) or else its RFC 7638 thumbprint, as ` + "`keys generate`" + ` does. A kid the
set already has, or a key it already holds, is refused. The file is replaced
atomically, keeping its mode (0644 when new), and only when every key is good.

Exit 0 when added, 1 when a key fails the checks, 2 for a key file that is not
one, a duplicate kid or key, or a --set file that is not a JWK set.`,
		Example: `  # a rotation fixture: the current key and the next one
  ciamctl keys generate --kid 2026-11 --out old
  ciamctl keys generate --kid 2026-12 --out new
  ciamctl jwks add --set rotation.json old/private.jwk.json new/private.jwk.json

  # a PEM key or certificate, named by --kid
  ciamctl jwks add --set jwks.json --kid legacy-1 signing-cert.pem`,
		Args: cmdutil.MinimumArgs(1, "KEY file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Keys = args
			if opts.Set == "" {
				return cmdutil.FlagErrorf("--set FILE is required: the JWK set file to add to (created when missing)")
			}
			if opts.Kid != "" && len(args) > 1 {
				return cmdutil.FlagErrorf("--kid names one key; pass a single KEY with it")
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Set, "set", "", "JWK set `FILE` to add to (created when missing)")
	cmd.Flags().StringVar(&opts.Kid, "kid", "", "kid for a key that has none (one KEY holding one key)")
	_ = cmd.MarkFlagFilename("set", "json")
	return cmd
}

// AddedKey describes a key added to a set.
type AddedKey struct {
	Kid        string `json:"kid"`
	Kty        string `json:"kty"`
	Thumbprint string `json:"thumbprint"`
	From       string `json:"from"`
}

// AddReport is the -o json|yaml shape of `jwks add`.
type AddReport struct {
	Set     string     `json:"set"`
	Created bool       `json:"created"`
	Added   []AddedKey `json:"added"`
	Keys    int        `json:"keys"`
}

func addRun(o *AddOptions) error {
	f := o.Factory
	sf, err := openSetFile(f, o.Set, true)
	if err != nil {
		return err
	}
	rep := AddReport{Set: o.Set, Created: !sf.exists, Added: []AddedKey{}}
	var warnings []string
	for _, path := range o.Keys {
		kf, err := f.ReadKeyFile(path, "KEY", path == "-")
		if err != nil {
			return err
		}
		if len(kf.Keys) == 0 {
			return cmdutil.FlagErrorf("KEY %s holds no keys", path)
		}
		if o.Kid != "" && len(kf.Keys) > 1 {
			return cmdutil.FlagErrorf("--kid names one key, but KEY %s holds %d", path, len(kf.Keys))
		}
		for _, k := range kf.Keys {
			where := path
			if len(kf.Keys) > 1 {
				where = path + " " + k.Source
			}
			ck, err := f.CheckPublicKey(k, where, "KEY")
			if err != nil {
				return err
			}
			if k.Private {
				warnings = append(warnings, fmt.Sprintf("KEY %s holds a private key: only its public half is added", where))
			}
			tp, err := jwks.Thumbprint(ck.Key, crypto.SHA256)
			if err != nil {
				return fmt.Errorf("KEY %s: thumbprint: %w", where, err)
			}
			kid := ck.Info.Kid
			switch {
			case kid == "" && o.Kid != "":
				kid = o.Kid
			case kid == "":
				kid = tp
			case o.Kid != "" && o.Kid != kid:
				return cmdutil.FlagErrorf("--kid %q: KEY %s already has kid %q", o.Kid, where, kid)
			}
			if err := sf.doc.Add(ck.Key, kid); err != nil {
				if errors.Is(err, jwks.ErrDuplicateKid) || errors.Is(err, jwks.ErrDuplicateKey) {
					return cmdutil.WithHint(cmdutil.FlagErrorf("KEY %s: %s", where, err),
						"remove the old key first (ciamctl jwks remove --set %s KID), or give the key another kid", o.Set)
				}
				return fmt.Errorf("KEY %s: %w", where, err)
			}
			rep.Added = append(rep.Added, AddedKey{Kid: kid, Kty: ck.Info.Kty, Thumbprint: tp, From: path})
		}
	}
	if err := sf.save(o.Set); err != nil {
		return err
	}
	rep.Keys = sf.doc.Len()
	for _, w := range warnings {
		fmt.Fprintln(f.IOStreams.ErrOut, "warning: "+w)
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep)
	}
	cs := f.IOStreams.ColorScheme()
	for _, k := range rep.Added {
		fmt.Fprintf(f.IOStreams.Out, "%s Added key %s (%s) from %s\n", cs.SuccessIcon(), clean(k.Kid), k.Kty, k.From)
	}
	verb := "now holds"
	if rep.Created {
		verb = "created with"
	}
	_, err = fmt.Fprintf(f.IOStreams.Out, "%s %s %d %s\n", o.Set, verb, rep.Keys, cmdutil.Plural(rep.Keys, "key"))
	return err
}
