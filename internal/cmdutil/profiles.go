package cmdutil

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cluster"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/profile"
	"github.com/ciamctl/ciamctl/internal/redact"
)

// EnvConfigDir moves the profiles away from the user config directory (as
// tests and a second set of profiles need).
const EnvConfigDir = "CIAMCTL_CONFIG_DIR"

// ConfigDir is where profiles live: $CIAMCTL_CONFIG_DIR, else
// $XDG_CONFIG_HOME/ciamctl, else os.UserConfigDir()/ciamctl (~/.config,
// ~/Library/Application Support, %AppData%). Going through Getenv first
// keeps tests away from the real user's files.
func (f *Factory) ConfigDir() (string, error) {
	if d := f.Getenv(EnvConfigDir); d != "" {
		return d, nil
	}
	if d := f.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "ciamctl"), nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("%w: no user config directory for profiles (%v): set %s", ErrUsage, err, EnvConfigDir)
	}
	return filepath.Join(base, "ciamctl"), nil
}

// ProfileStore is the user's profiles with the OS keychain. Nothing is read
// and the keychain is not touched until a method is called.
func (f *Factory) ProfileStore() (*profile.Store, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return nil, err
	}
	return &profile.Store{Dir: dir, Keychain: f.Keychain}, nil
}

// LoadProfiles reads the user's profiles, returning the store they came from
// for the secrets.
func (f *Factory) LoadProfiles() (*profile.Store, *profile.Config, error) {
	store, err := f.ProfileStore()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := store.Load()
	if err != nil {
		return nil, nil, err
	}
	return store, cfg, nil
}

// ProfileNames lists the profiles for completion; nothing when they cannot
// be read.
func ProfileNames(f *Factory) []string {
	_, cfg, err := f.LoadProfiles()
	if err != nil {
		return nil
	}
	return cfg.Names()
}

// AddProfileFlag registers --profile NAME, completed from the profiles.
func AddProfileFlag(f *Factory, cmd *cobra.Command, p *string, usage string) {
	cmd.Flags().StringVar(p, "profile", "", usage)
	_ = cmd.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return ProfileNames(f), cobra.ShellCompDirectiveNoFileComp
	})
}

// ProfileSource says where a profile's secret is, for messages.
func ProfileSource(store *profile.Store, p *profile.Profile) string {
	if p.SecretStore == profile.StoreFile {
		return store.SecretsPath()
	}
	return "the OS keychain"
}

// applyProfile fills cfg's credentials from a profile: the one --profile
// names (whatever the environment holds), else, when the environment holds
// no credentials, the one profile for cfg's host and org (a brand's cluster
// and orgId pick it). A profile's host and org fill in only where flags,
// environment and brand named none; its secret goes to its own host only.
func (f *Factory) applyProfile(cfg *intouch.Config, fl IntouchFlags) error {
	store, p, err := f.pickProfile(*cfg, fl)
	if err != nil || p == nil {
		return err
	}
	ctx, done := f.keychainContext()
	defer done()
	secret, err := store.Secret(ctx, p)
	if err != nil {
		return WithHint(err, "run `ciamctl auth login --profile %s` again to store it (`ciamctl auth status` checks every profile)", p.Name)
	}
	SetProfileCredentials(cfg, p, secret)
	from := cfg.CredentialsFrom
	if cfg.BaseURL == "" {
		cfg.BaseURL, cfg.URLFrom = p.URL, from
	}
	if cfg.OrgID == "" {
		cfg.OrgID = p.OrgID
	}
	return nil
}

// SetProfileCredentials puts p's credentials in cfg in place of any other.
func SetProfileCredentials(cfg *intouch.Config, p *profile.Profile, secret string) {
	cfg.ClientKey, cfg.ClientSecret, cfg.Username, cfg.Password = "", "", "", ""
	if p.Auth == profile.AuthBasic {
		cfg.Username, cfg.Password = p.Username, secret
	} else {
		cfg.ClientKey, cfg.ClientSecret = p.ClientKey, secret
	}
	cfg.CredentialsFrom = fmt.Sprintf("profile %q", p.Name)
}

// ProfileClient is a platform client with p's credentials, for p's own URL
// and org only (auth login and status).
func (f *Factory) ProfileClient(p *profile.Profile, secret string) (*intouch.Client, error) {
	cfg := intouch.Config{BaseURL: p.URL, URLFrom: fmt.Sprintf("profile %q", p.Name), OrgID: p.OrgID}
	SetProfileCredentials(&cfg, p, secret)
	cfg, err := f.CompleteIntouchConfig(cfg)
	if err != nil {
		return nil, err
	}
	return intouch.New(cfg)
}

// pickProfile is applyProfile's choice, without reading the secret: nil
// when the environment's credentials apply or no profile fits.
func (f *Factory) pickProfile(cfg intouch.Config, fl IntouchFlags) (*profile.Store, *profile.Profile, error) {
	if fl.Profile == "" && cfg.AuthMode() != intouch.AuthNone {
		return nil, nil, nil
	}
	store, err := f.ProfileStore()
	if err != nil {
		if fl.Profile == "" {
			return nil, nil, nil // no place for profiles: the missing credentials say the rest
		}
		return nil, nil, err
	}
	pc, err := store.Load()
	if err != nil {
		return nil, nil, err
	}
	if fl.Profile == "" {
		p, err := pc.Match(cfg.BaseURL, cfg.OrgID)
		if err != nil {
			return nil, nil, WithHint(FlagErrorf("%s", err), "`ciamctl auth list` shows the profiles")
		}
		return store, p, nil
	}
	p, err := pc.Get(fl.Profile)
	if err != nil {
		return nil, nil, WithHint(FlagErrorf("--profile: %s", err), "`ciamctl auth list` shows the profiles; `ciamctl auth login --profile %s --cluster C --org-id N` adds one", fl.Profile)
	}
	if cfg.BaseURL != "" && !profile.SameHost(cfg.BaseURL, p.URL) {
		return nil, nil, WithHint(FlagErrorf("--profile %s holds credentials for %s, but %s names %s", p.Name, p.URL, urlSource(cfg.URLFrom), cfg.BaseURL),
			"a profile's secret goes only to the host it was stored for: use a profile for %s, or drop the other setting", cfg.BaseURL)
	}
	return store, p, nil
}

// BrandCredentials says which credentials a command for a brand would use
// without flags.
type BrandCredentials struct {
	Environment bool             // the CIAMCTL_INTOUCH_* variables
	Profile     *profile.Profile // else this profile (nil: none fits)
	URL, OrgID  string           // the platform and org the brand's commands are for
}

// CredentialsForBrand resolves, as a command about the brand would, whose
// credentials apply; it reads no secret.
func (f *Factory) CredentialsForBrand(b *brand.Config) (BrandCredentials, error) {
	fl := f.brandFlags(IntouchFlags{}, b)
	cfg, err := f.intouchTarget(fl, b.Org())
	if err != nil {
		return BrandCredentials{}, err
	}
	out := BrandCredentials{URL: cfg.BaseURL, OrgID: cfg.OrgID, Environment: cfg.AuthMode() != intouch.AuthNone}
	if out.Environment {
		return out, nil
	}
	_, out.Profile, err = f.pickProfile(cfg, fl)
	return out, err
}

// urlSource names where an Intouch URL came from (Config.URLFrom).
func urlSource(from string) string {
	if from == "" {
		return "$" + intouch.EnvURL
	}
	return from
}

// keychainContext bounds a keychain read by what is left of the command's
// --timeout.
func (f *Factory) keychainContext() (context.Context, func()) {
	if f.NetBudget == nil {
		return context.WithTimeout(context.Background(), f.Globals.Timeout)
	}
	ctx, done, err := f.NetBudget.Start(context.Background(), "reading the OS keychain")
	if err != nil {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(err)
		return ctx, func() {}
	}
	return ctx, done
}

// authLoginCommand is the `ciamctl auth login` that would store credentials
// for cfg's platform and org, with what is known filled in.
func authLoginCommand(cfg intouch.Config) string {
	where := "--cluster C"
	if cfg.BaseURL != "" {
		where = "--intouch-url " + redact.URL(cfg.BaseURL)
		for _, name := range cluster.Names() {
			if u, _ := cluster.URL(name); profile.SameHost(u, cfg.BaseURL) && name != "apac" {
				where = "--cluster " + name
			}
		}
	}
	org := "N"
	if cfg.OrgID != "" {
		org = cfg.OrgID
	}
	return "ciamctl auth login " + where + " --org-id " + org
}
