package profile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Store is the profiles of one config directory and where their secrets go.
type Store struct {
	Dir      string
	Keychain Keychain // nil: none
	// FileOnly makes Save put secrets in the file without trying the
	// keychain (auth login --insecure-storage, as gh has).
	FileOnly bool
}

func (s *Store) keychain() Keychain {
	if s.Keychain == nil {
		return NoKeychain{}
	}
	return s.Keychain
}

// SecretsPath is the file that holds secrets where no keychain is available.
func (s *Store) SecretsPath() string { return filepath.Join(s.Dir, SecretsFile) }

// ConfigPath is the file that holds the profiles.
func (s *Store) ConfigPath() string { return filepath.Join(s.Dir, ConfigFile) }

// Load reads the profiles (none when the file does not exist).
func (s *Store) Load() (*Config, error) { return loadConfig(s.Dir) }

// Secret returns p's secret from where p.SecretStore says it is.
func (s *Store) Secret(ctx context.Context, p *Profile) (string, error) {
	if p.SecretStore == StoreFile {
		sec, err := loadSecrets(s.Dir)
		if err != nil {
			return "", err
		}
		if v, ok := sec.Secrets[p.Name]; ok && v != "" {
			return v, nil
		}
		return "", fmt.Errorf("%w: profile %q: its secret is not in %s", ErrSecretMissing, p.Name, s.SecretsPath())
	}
	v, err := s.keychain().Get(ctx, KeychainService, p.Name)
	switch {
	case errors.Is(err, ErrItemNotFound), err == nil && v == "":
		return "", fmt.Errorf("%w: profile %q: its secret is not in the OS keychain (service %s, account %s)", ErrSecretMissing, p.Name, KeychainService, p.Name)
	case err != nil:
		return "", fmt.Errorf("profile %q: reading its secret from the OS keychain: %w", p.Name, err)
	}
	return v, nil
}

var errFileOnly = errors.New("file storage asked for")

// Saved says how Save stored a profile.
type Saved struct {
	// Replaced is true when a profile of that name existed.
	Replaced bool
	// Fallback is why the keychain could not be used ("" when it was, or
	// FileOnly kept it out): the secret went to SecretsPath instead.
	Fallback string
}

// Save stores p and its secret: the secret in the keychain, or where that
// fails, in SecretsPath (Saved.Fallback says why); then the profile in
// ConfigPath. A secret of the same profile left in the other place is
// removed, so each secret lives in one place. On an error nothing changes
// (as far as the keychain lets a change be undone).
func (s *Store) Save(ctx context.Context, p *Profile, secret string) (Saved, error) {
	var out Saved
	if err := CheckName(p.Name); err != nil {
		return out, err
	}
	release, err := s.lock(ctx)
	if err != nil {
		return out, err
	}
	defer release()
	cfg, err := s.Load()
	if err != nil {
		return out, err
	}
	old := cfg.Profiles[p.Name]
	out.Replaced = old != nil

	kerr := errFileOnly
	if !s.FileOnly {
		kerr = s.keychain().Set(ctx, KeychainService, p.Name, secret)
	}
	var undo func()
	if kerr == nil {
		p.SecretStore = StoreKeychain
		undo = func() { _ = s.keychain().Delete(context.WithoutCancel(ctx), KeychainService, p.Name) }
	} else {
		var unavailable *UnavailableError
		switch {
		case kerr == errFileOnly:
		case errors.As(kerr, &unavailable):
			out.Fallback = unavailable.Reason
		default:
			out.Fallback = kerr.Error()
		}
		p.SecretStore = StoreFile
		sec, err := loadSecrets(s.Dir)
		if err != nil {
			return out, err
		}
		prev, had := sec.Secrets[p.Name]
		sec.Secrets[p.Name] = secret
		if err := saveSecrets(s.Dir, sec); err != nil {
			return out, err
		}
		undo = func() {
			if had {
				sec.Secrets[p.Name] = prev
			} else {
				delete(sec.Secrets, p.Name)
			}
			_ = saveSecrets(s.Dir, sec)
		}
	}

	cfg.Profiles[p.Name] = p
	if err := saveConfig(s.Dir, cfg); err != nil {
		undo()
		return out, err
	}
	// The secret moved: remove the copy left behind (best effort for the
	// keychain, which may be the reason it moved).
	if old != nil && old.SecretStore != p.SecretStore {
		if old.SecretStore == StoreFile {
			_ = s.dropFileSecret(p.Name)
		} else {
			_ = s.keychain().Delete(ctx, KeychainService, p.Name)
		}
	}
	return out, nil
}

// Remove deletes the profile name and its secret: the secret first, so a
// failure never leaves a secret without the profile that names it.
func (s *Store) Remove(ctx context.Context, name string) (*Profile, error) {
	if _, err := os.Stat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Name: name} // nothing to remove, and no directory made for it
	}
	release, err := s.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	cfg, err := s.Load()
	if err != nil {
		return nil, err
	}
	p, err := cfg.Get(name)
	if err != nil {
		return nil, err
	}
	if p.SecretStore == StoreFile {
		if err := s.dropFileSecret(name); err != nil {
			return nil, err
		}
	} else if err := s.keychain().Delete(ctx, KeychainService, name); err != nil && !errors.Is(err, ErrItemNotFound) {
		return nil, fmt.Errorf("profile %q: removing its secret from the OS keychain: %w (nothing was changed)", name, err)
	}
	delete(cfg.Profiles, name)
	return p, saveConfig(s.Dir, cfg)
}

func (s *Store) dropFileSecret(name string) error {
	sec, err := loadSecrets(s.Dir)
	if err != nil {
		return err
	}
	if _, ok := sec.Secrets[name]; !ok {
		return nil
	}
	delete(sec.Secrets, name)
	return saveSecrets(s.Dir, sec)
}
