package profile_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/profile"
	"github.com/ciamctl/ciamctl/internal/profile/profiletest"
)

const secret = "s3cret-Value-For-Tests-81"

func euProfile(name string) *profile.Profile {
	return &profile.Profile{Name: name, URL: "https://eu.api.capillarytech.com", Cluster: "eu", OrgID: "50123", Auth: profile.AuthOAuth, ClientKey: "key-1"}
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Without a keychain the secret goes to a 0600 file in a 0700 directory,
// the profile (no secret) to another 0600 file, and both read back.
func TestSaveWithoutKeychainUsesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "ciamctl") // neither exists yet
	s := &profile.Store{Dir: dir, Keychain: profiletest.NewKeychain()}
	s.Keychain.(*profiletest.Keychain).SetUnavailable("no D-Bus session bus")

	saved, err := s.Save(context.Background(), euProfile("eu-50123"), secret)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Fallback != "no D-Bus session bus" || saved.Replaced {
		t.Errorf("saved = %+v, want the fallback reason and a new profile", saved)
	}
	if runtime.GOOS != "windows" {
		if m := mode(t, dir); m != 0o700 {
			t.Errorf("directory mode %04o, want 0700", m)
		}
		for _, f := range []string{s.ConfigPath(), s.SecretsPath()} {
			if m := mode(t, f); m != 0o600 {
				t.Errorf("%s mode %04o, want 0600", filepath.Base(f), m)
			}
		}
	}
	if !strings.Contains(read(t, s.SecretsPath()), secret) {
		t.Error("the secrets file does not hold the secret")
	}
	if cfg := read(t, s.ConfigPath()); strings.Contains(cfg, secret) || !strings.Contains(cfg, "secretStore: file") {
		t.Errorf("profiles file holds the secret or no secretStore:\n%s", cfg)
	}

	cfg, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := cfg.Get("eu-50123")
	if err != nil {
		t.Fatal(err)
	}
	if *p != (profile.Profile{Name: "eu-50123", URL: "https://eu.api.capillarytech.com", Cluster: "eu", OrgID: "50123", Auth: profile.AuthOAuth, ClientKey: "key-1", SecretStore: profile.StoreFile}) {
		t.Errorf("loaded %+v", *p)
	}
	got, err := s.Secret(context.Background(), p)
	if err != nil || got != secret {
		t.Errorf("Secret = %q, %v", got, err)
	}
}

// With a keychain the secret is there and nowhere on disk.
func TestSaveWithKeychain(t *testing.T) {
	kc := profiletest.NewKeychain()
	s := &profile.Store{Dir: t.TempDir(), Keychain: kc}
	saved, err := s.Save(context.Background(), euProfile("eu"), secret)
	if err != nil || saved.Fallback != "" {
		t.Fatalf("Save: %+v %v", saved, err)
	}
	if got := kc.Items()[profile.KeychainService+"\x00eu"]; got != secret {
		t.Errorf("keychain holds %q", got)
	}
	if _, err := os.Stat(s.SecretsPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a secrets file exists: %v", err)
	}
	if cfg := read(t, s.ConfigPath()); strings.Contains(cfg, secret) || !strings.Contains(cfg, "secretStore: keychain") {
		t.Errorf("profiles file:\n%s", cfg)
	}
}

// A profile logged in again where a keychain now exists moves its secret
// there and out of the file (the file goes when it is empty); logging out
// removes the keychain item and the profile.
func TestSecretMovesToKeychainAndLogoutRemovesIt(t *testing.T) {
	kc := profiletest.NewKeychain()
	kc.SetUnavailable("locked")
	s := &profile.Store{Dir: t.TempDir(), Keychain: kc}
	ctx := context.Background()
	if _, err := s.Save(ctx, euProfile("eu"), "old-secret"); err != nil {
		t.Fatal(err)
	}
	kc.SetUnavailable("")
	saved, err := s.Save(ctx, euProfile("eu"), secret)
	if err != nil || !saved.Replaced || saved.Fallback != "" {
		t.Fatalf("Save again: %+v %v", saved, err)
	}
	if _, err := os.Stat(s.SecretsPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the secrets file is still there: %v", err)
	}
	removed, err := s.Remove(ctx, "eu")
	if err != nil || removed.Name != "eu" {
		t.Fatalf("Remove: %v", err)
	}
	if len(kc.Items()) != 0 {
		t.Errorf("keychain still holds %v", kc.Items())
	}
	cfg, err := s.Load()
	if err != nil || len(cfg.Profiles) != 0 {
		t.Errorf("profiles left: %v %v", cfg, err)
	}
	if _, err := s.Remove(ctx, "eu"); !errors.Is(err, profile.ErrNotFound) {
		t.Errorf("second Remove: %v, want ErrNotFound", err)
	}
}

// Removing a profile whose keychain cannot be reached changes nothing.
func TestRemoveKeepsEverythingWhenKeychainFails(t *testing.T) {
	kc := profiletest.NewKeychain()
	s := &profile.Store{Dir: t.TempDir(), Keychain: kc}
	ctx := context.Background()
	if _, err := s.Save(ctx, euProfile("eu"), secret); err != nil {
		t.Fatal(err)
	}
	before := read(t, s.ConfigPath())
	kc.SetUnavailable("the keychain did not answer in time")
	if _, err := s.Remove(ctx, "eu"); !errors.Is(err, profile.ErrNoKeychain) {
		t.Fatalf("Remove: %v, want ErrNoKeychain", err)
	}
	if read(t, s.ConfigPath()) != before {
		t.Error("the profiles file changed")
	}
}

// A secret removed from the keychain by hand is reported as missing, with
// the profile's name.
func TestSecretMissing(t *testing.T) {
	kc := profiletest.NewKeychain()
	s := &profile.Store{Dir: t.TempDir(), Keychain: kc}
	p := euProfile("eu")
	if _, err := s.Save(context.Background(), p, secret); err != nil {
		t.Fatal(err)
	}
	_ = kc.Delete(context.Background(), profile.KeychainService, "eu")
	_, err := s.Secret(context.Background(), p)
	if !errors.Is(err, profile.ErrSecretMissing) || !strings.Contains(err.Error(), `profile "eu"`) {
		t.Errorf("Secret: %v", err)
	}
}

// Files or a directory that others could have written (or, for the
// secrets, read) are neither read nor written, as the JWKS cache and ssh
// treat theirs; the error names the path and the fix.
func TestUnsafeFilesAreRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("owner and mode bits are Unix")
	}
	ctx := context.Background()
	setup := func(t *testing.T) *profile.Store {
		kc := profiletest.NewKeychain()
		kc.SetUnavailable("none")
		s := &profile.Store{Dir: filepath.Join(t.TempDir(), "ciamctl"), Keychain: kc}
		if _, err := s.Save(ctx, euProfile("eu"), secret); err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name  string
		spoil func(s *profile.Store) string // returns the path the error must name
		want  string
	}{
		{"secrets readable by group", func(s *profile.Store) string { os.Chmod(s.SecretsPath(), 0o640); return s.SecretsPath() }, "chmod 600"},
		{"secrets readable by others", func(s *profile.Store) string { os.Chmod(s.SecretsPath(), 0o604); return s.SecretsPath() }, "chmod 600"},
		{"profiles writable by others", func(s *profile.Store) string { os.Chmod(s.ConfigPath(), 0o602); return s.ConfigPath() }, "chmod 600"},
		{"directory writable by group", func(s *profile.Store) string { os.Chmod(s.Dir, 0o770); return s.Dir }, "chmod 700"},
		{"secrets file is a link", func(s *profile.Store) string {
			target := filepath.Join(filepath.Dir(s.Dir), "elsewhere")
			os.Rename(s.SecretsPath(), target)
			os.Symlink(target, s.SecretsPath())
			return s.SecretsPath()
		}, "symbolic link"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := setup(t)
			path := tc.spoil(s)
			cfg, err := s.Load()
			if err == nil {
				var p *profile.Profile
				p, err = cfg.Get("eu")
				if err == nil {
					_, err = s.Secret(ctx, p)
				}
			}
			if !errors.Is(err, profile.ErrUnsafe) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("reading: %v; want ErrUnsafe naming %s and %q", err, path, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatal("the error shows the secret")
			}
			// Nor is anything written there.
			if _, err := s.Save(ctx, euProfile("other"), "another"); !errors.Is(err, profile.ErrUnsafe) {
				t.Errorf("Save: %v, want ErrUnsafe", err)
			}
		})
	}
}

// A file owned by someone else is refused (run as root, the test can make one).
func TestFileOfAnotherOwnerIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" || os.Getuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	kc := profiletest.NewKeychain()
	kc.SetUnavailable("none")
	s := &profile.Store{Dir: t.TempDir(), Keychain: kc}
	p := euProfile("eu")
	if _, err := s.Save(context.Background(), p, secret); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(s.SecretsPath(), 4242, 4242); err != nil {
		t.Fatal(err)
	}
	_, err := s.Secret(context.Background(), p)
	if !errors.Is(err, profile.ErrUnsafe) || !strings.Contains(err.Error(), "owned by uid 4242") {
		t.Errorf("Secret: %v", err)
	}
}

// A profiles file with unknown keys or a broken profile is an error naming
// the file, never silently ignored.
func TestBrokenProfilesFile(t *testing.T) {
	dir := t.TempDir()
	s := &profile.Store{Dir: dir}
	for content, want := range map[string]string{
		"profiles:\n  eu:\n    url: https://x\n    orgId: \"1\"\n    auth: oauth\n    clientKey: k\n    secretStore: keychain\n    secret: oops\n": "field secret not found",
		"profiles:\n  eu:\n    url: https://x\n    auth: oauth\n    clientKey: k\n    secretStore: keychain\n":                                     `profile "eu" has no orgId`,
		"profiles:\n  'bad name':\n    url: https://x\n":                                                                                           "bad name",
	} {
		if err := os.WriteFile(s.ConfigPath(), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := s.Load()
		if err == nil || !strings.Contains(err.Error(), s.ConfigPath()) || !strings.Contains(err.Error(), want) {
			t.Errorf("Load: %v; want the path and %q", err, want)
		}
	}
}
