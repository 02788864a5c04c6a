package cmdutil

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cluster"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// IntouchFlags are the per-command overrides of the CIAMCTL_INTOUCH_*
// settings. Secrets have no flags: they would end up in shell history and
// process listings.
type IntouchFlags struct {
	URL     string
	Cluster string
	OrgID   string
	// Profile names the stored credentials to use (ciamctl auth login).
	Profile string

	clusterFrom string // where Cluster came from, when not the flag
}

// AddIntouchFlags registers --intouch-url, --cluster, --org-id and
// --profile on cmd.
func AddIntouchFlags(cmd *cobra.Command, fl *IntouchFlags) {
	cmd.Flags().StringVar(&fl.URL, "intouch-url", "", "Intouch API base URL (default $"+intouch.EnvURL+")")
	cmd.Flags().StringVar(&fl.Cluster, "cluster", "", "Intouch cluster preset: "+strings.Join(intouch.ClusterNames(), ", "))
	cmd.Flags().StringVar(&fl.OrgID, "org-id", "", "platform org ID (default $"+intouch.EnvOrgID+", else the brand's orgId)")
	cmd.MarkFlagsMutuallyExclusive("intouch-url", "cluster")
	_ = cmd.RegisterFlagCompletionFunc("cluster", cobra.FixedCompletions(intouch.ClusterNames(), cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVar(&fl.Profile, "profile", "", "stored platform credentials to use (ciamctl auth login; default: the profile for the org and cluster, unless $"+intouch.EnvClientKey+" or $"+intouch.EnvUsername+" are set)")
	_ = cmd.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// Completion runs in the user's shell: the process environment is the one to read.
		return ProfileNames(&Factory{Getenv: os.Getenv}), cobra.ShellCompDirectiveNoFileComp
	})
}

// IntouchConfig merges the environment with the flags (flags win), takes
// the credentials from a profile where --profile names one or the
// environment holds none, and checks that a base URL and credentials are
// there. orgFallback (usually the brand's orgId) applies when neither flag
// nor environment names an org.
func (f *Factory) IntouchConfig(fl IntouchFlags, orgFallback string) (intouch.Config, error) {
	cfg, err := f.intouchTarget(fl, orgFallback)
	if err != nil {
		return cfg, err
	}
	if err := f.applyProfile(&cfg, fl); err != nil {
		return cfg, err
	}
	return f.CompleteIntouchConfig(cfg)
}

// intouchTarget is the platform and org a command is for, and the
// environment's credentials: flags, then CIAMCTL_INTOUCH_*, then the brand.
//
// --profile stands in for the CIAMCTL_INTOUCH_* variables (URL, org and
// credentials): an explicit choice wins over whatever the shell exports.
func (f *Factory) intouchTarget(fl IntouchFlags, orgFallback string) (intouch.Config, error) {
	var cfg intouch.Config
	if fl.Profile == "" {
		cfg = intouch.ConfigFromEnv(f.Getenv)
	}
	switch {
	case fl.URL != "":
		cfg.BaseURL, cfg.URLFrom = fl.URL, "--intouch-url"
	case fl.Cluster != "":
		u, err := intouch.ClusterURL(fl.Cluster)
		if err != nil {
			return cfg, FlagErrorf("--cluster: %s", strings.TrimPrefix(err.Error(), intouch.ErrConfig.Error()+": "))
		}
		cfg.BaseURL, cfg.URLFrom = u, "--cluster"
		if fl.clusterFrom != "" {
			cfg.URLFrom = fl.clusterFrom
		}
	}
	if fl.OrgID != "" {
		cfg.OrgID = fl.OrgID
	}
	if cfg.OrgID == "" {
		cfg.OrgID = orgFallback
	}
	return cfg, nil
}

// CompleteIntouchConfig gives cfg the command's HTTP client, clock, trace
// and deadline, and checks it (URL rule, credentials present).
func (f *Factory) CompleteIntouchConfig(cfg intouch.Config) (intouch.Config, error) {
	cfg.HTTPClient = untraced(f.HTTPClient())
	// The command's context carries the one --timeout deadline (retries and
	// waits included); this per-request bound only backs it up for a caller
	// whose context has none. It is a second longer, so that where both
	// exist the command's deadline always ends the request first, and the
	// error names --timeout rather than an anonymous timeout.
	cfg.HTTPClient.Timeout = f.Globals.Timeout + time.Second
	cfg.Now = f.Now
	cfg.Sleep = f.Sleep
	if f.DebugOut != nil {
		cfg.Debug = f.DebugOut
	}
	if err := cfg.Validate(); err != nil {
		if errors.Is(err, urlpolicy.ErrRefused) && !strings.Contains(cfg.BaseURL, "/") {
			// A bare word ("mars") was meant as a cluster preset.
			presets := strings.Join(intouch.ClusterNames(), ", ")
			if cfg.URLFrom == "--intouch-url" {
				return cfg, FlagErrorf("--intouch-url %q is not a URL; for a cluster preset use --cluster (%s)", cfg.BaseURL, presets)
			}
			return cfg, FlagErrorf("%s %q is neither a URL nor a cluster preset; the presets are %s (e.g. %s=eu)", intouch.EnvURL, cfg.BaseURL, presets, intouch.EnvURL)
		}
		if errors.Is(err, urlpolicy.ErrRefused) {
			return cfg, WithHint(err, "the platform's clusters are https (--cluster %s); plain http is only for a local emulator such as `ciamctl sandbox`", strings.Join(intouch.ClusterNames(), "|"))
		}
		if cfg.BaseURL == "" {
			return cfg, WithHint(err, "pass --cluster, or name the brand's cluster in its file (cluster: %s); `ciamctl sandbox` runs a local platform emulator and prints the variables to set", strings.Join(intouch.ClusterNames(), "|"))
		}
		return cfg, WithHint(err, "run `%s` to store credentials, or `ciamctl sandbox` for a local platform emulator and the variables to set", authLoginCommand(cfg))
	}
	return cfg, nil
}

// Intouch returns a platform API client configured from flags and environment.
func (f *Factory) Intouch(fl IntouchFlags, orgFallback string) (*intouch.Client, error) {
	cfg, err := f.IntouchConfig(fl, orgFallback)
	if err != nil {
		return nil, err
	}
	return intouch.New(cfg)
}

// IntouchForBrand is Intouch for a command about one brand: the brand's
// orgId and cluster apply where neither flags nor environment set an org or
// an API URL (--intouch-url / --cluster, then CIAMCTL_INTOUCH_URL, then the
// brand's cluster). cfg may be nil (no brand).
func (f *Factory) IntouchForBrand(fl IntouchFlags, cfg *brand.Config) (*intouch.Client, error) {
	if cfg == nil {
		return f.Intouch(fl, "")
	}
	return f.Intouch(f.brandFlags(fl, cfg), cfg.Org())
}

// brandFlags applies the brand's cluster where neither flags nor
// environment name the platform.
func (f *Factory) brandFlags(fl IntouchFlags, cfg *brand.Config) IntouchFlags {
	envURL := fl.Profile == "" && strings.TrimSpace(f.Getenv(intouch.EnvURL)) != ""
	if fl.URL == "" && fl.Cluster == "" && !envURL && cfg.Cluster != "" {
		if _, ok := cluster.URL(cfg.Cluster); ok {
			fl.Cluster, fl.clusterFrom = cfg.Cluster, "the brand's cluster"
		}
	}
	return fl
}
