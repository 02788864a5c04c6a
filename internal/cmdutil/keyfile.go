package cmdutil

import (
	"errors"
	"strings"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// KeyFormatsHint says which key files ciamctl reads.
const KeyFormatsHint = "a key file may be a JWK, a JWK set, PEM (public or private key, certificate) or DER"

// ReadKeyFile reads and decodes the key file named by a flag or argument
// (what: "--key", "KEY"): any format jwks.DecodeKeyFile knows, at most
// 1 MiB; "-" is stdin when allowStdin. A file that is no key file is a
// usage error naming it and what it is not; key material is never quoted.
func (f *Factory) ReadKeyFile(path, what string, allowStdin bool) (*jwks.KeyFile, error) {
	data, err := f.ReadInputFile(path, what, allowStdin)
	if err != nil {
		return nil, err
	}
	kf, err := jwks.DecodeKeyFile(data)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, jwks.ErrNotKeyFile) {
			msg = strings.TrimPrefix(msg, jwks.ErrNotKeyFile.Error()+": ")
		}
		return nil, WithHint(FlagErrorf("%s %s: %s", what, path, msg), "%s", KeyFormatsHint)
	}
	return kf, nil
}

// OneKey is the file's only key; a file with several is a usage error.
func OneKey(kf *jwks.KeyFile, path, what string) (jwks.FileKey, error) {
	if n := len(kf.Keys); n != 1 {
		return jwks.FileKey{}, FlagErrorf("%s %s: the %s holds %d keys; pass a file with one key", what, path, kf.Format, n)
	}
	return kf.Keys[0], nil
}

// CheckPublicKey runs the key set checks on a key's public half. A refused
// key is exit 1 (the key is bad), named by what and path.
func (f *Factory) CheckPublicKey(k jwks.FileKey, path, what string) (jwks.CheckedKey, error) {
	pub, err := k.Public()
	if err != nil {
		return jwks.CheckedKey{}, FlagErrorf("%s %s: %s", what, path, err)
	}
	ck, err := jwks.CheckKey(pub, f.Now())
	if err != nil {
		return ck, Invalid(errors.New(what + " " + path + ": " + strings.TrimPrefix(err.Error(), jwks.ErrKeyRefused.Error()+": ")))
	}
	return ck, nil
}
