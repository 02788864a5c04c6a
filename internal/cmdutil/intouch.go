package cmdutil

import (
	"errors"
	"strings"

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

	clusterFrom string // where Cluster came from, when not the flag
}

// AddIntouchFlags registers --intouch-url, --cluster and --org-id on cmd.
func AddIntouchFlags(cmd *cobra.Command, fl *IntouchFlags) {
	cmd.Flags().StringVar(&fl.URL, "intouch-url", "", "Intouch API base URL (default $"+intouch.EnvURL+")")
	cmd.Flags().StringVar(&fl.Cluster, "cluster", "", "Intouch cluster preset: "+strings.Join(intouch.ClusterNames(), ", "))
	cmd.Flags().StringVar(&fl.OrgID, "org-id", "", "platform org ID (default $"+intouch.EnvOrgID+", else the brand's orgId)")
	cmd.MarkFlagsMutuallyExclusive("intouch-url", "cluster")
	_ = cmd.RegisterFlagCompletionFunc("cluster", cobra.FixedCompletions(intouch.ClusterNames(), cobra.ShellCompDirectiveNoFileComp))
}

// IntouchConfig merges the environment with the flags (flags win) and checks
// that a base URL and credentials are there. orgFallback (usually the brand's
// orgId) applies when neither flag nor environment names an org.
func (f *Factory) IntouchConfig(fl IntouchFlags, orgFallback string) (intouch.Config, error) {
	cfg := intouch.ConfigFromEnv(f.Getenv)
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
	cfg.HTTPClient = untraced(f.HTTPClient())
	// The command's context carries the one --timeout deadline (retries and
	// waits included); this per-request bound only backs it up for a caller
	// whose context has none.
	cfg.HTTPClient.Timeout = f.Globals.Timeout
	cfg.Now = f.Now
	cfg.Sleep = f.Sleep
	if f.DebugOut != nil {
		cfg.Debug = f.DebugOut
	}
	if err := cfg.Validate(); err != nil {
		if errors.Is(err, urlpolicy.ErrRefused) {
			return cfg, WithHint(err, "the platform's clusters are https (--cluster %s); plain http is only for a local emulator such as `ciamctl sandbox`", strings.Join(intouch.ClusterNames(), "|"))
		}
		if cfg.BaseURL == "" {
			return cfg, WithHint(err, "pass --cluster, or name the brand's cluster in its file (cluster: %s); `ciamctl sandbox` runs a local platform emulator and prints the variables to set", strings.Join(intouch.ClusterNames(), "|"))
		}
		return cfg, WithHint(err, "run `ciamctl sandbox` for a local platform emulator and the variables to set")
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
	if fl.URL == "" && fl.Cluster == "" && strings.TrimSpace(f.Getenv(intouch.EnvURL)) == "" && cfg.Cluster != "" {
		if _, ok := cluster.URL(cfg.Cluster); ok {
			fl.Cluster, fl.clusterFrom = cfg.Cluster, "the brand's cluster"
		}
	}
	return f.Intouch(fl, cfg.Org())
}
