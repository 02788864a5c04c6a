package brandcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cluster"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// ExportOptions holds the dependencies and flags of `brand export`.
type ExportOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Format  string
}

// NewCmdExport builds `brand export NAME`.
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "export NAME",
		Short: "Print the gateway configuration the platform team needs",
		Long: `Print the values the platform team configures in the API gateway for this brand:
brand name (displayName; the key when it is not set), CIAM application ID, OAuth client ID, the claim mappings for firstname,
lastname, mobile and email, the userinfo endpoint and the JWKS URI.

--format ticket (default) is plain text ready to paste into a ticket; json and yaml
are for automation. An invalid configuration is not exported.`,
		Example:           "  ciamctl brand export acme\n  ciamctl brand export acme --format json",
		Args:              cmdutil.ExactArgs(1, "brand NAME"),
		ValidArgsFunction: cmdutil.CompleteBrandName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			var err error
			opts.Format, err = cmdutil.FormatFlag(opts.Format, f.Globals, "ticket", "ticket", cmdutil.FormatJSON, cmdutil.FormatYAML)
			if err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return exportRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "ticket, json or yaml (default ticket, or -o's format)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{"ticket", "json", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// GatewayConfig is what the gateway needs for one brand: the six values.
type GatewayConfig struct {
	Brand            string         `json:"brand"`
	DisplayName      string         `json:"displayName,omitempty"`
	OrgID            int64          `json:"orgId,omitempty"`
	Cluster          string         `json:"cluster,omitempty"`
	ClusterURL       string         `json:"clusterUrl,omitempty"`
	ApplicationID    string         `json:"applicationId"`
	ClientID         string         `json:"clientId"`
	Mappings         brand.Mappings `json:"mappings"`
	UserinfoEndpoint string         `json:"userinfoEndpoint"`
	JWKSURI          string         `json:"jwksUri"`
}

func gatewayConfig(c *brand.Config) GatewayConfig {
	return GatewayConfig{
		Brand:            c.Brand,
		DisplayName:      c.DisplayName,
		OrgID:            c.OrgID,
		Cluster:          c.Cluster,
		ClusterURL:       clusterURL(c.Cluster),
		ApplicationID:    c.CIAM.ApplicationID,
		ClientID:         c.CIAM.ClientID,
		Mappings:         c.Mappings,
		UserinfoEndpoint: c.CIAM.UserinfoEndpoint,
		JWKSURI:          c.CIAM.JWKSURI,
	}
}

func exportRun(o *ExportOptions) error {
	f := o.Factory
	res, err := f.LoadBrandFile(o.Name)
	if err != nil {
		return err
	}
	if brand.HasErrors(res.Problems) {
		_ = reportProblems(f, res.Problems)
		return cmdutil.WithHint(fmt.Errorf("brand %q: %s has errors; not exporting: %w", o.Name, res.Path, brand.ErrInvalid),
			"fix them, then check with `ciamctl config validate %s`", res.Path)
	}
	if o.Format != "ticket" {
		return cmdutil.WriteStructured(f.IOStreams.Out, o.Format, gatewayConfig(res.Config))
	}
	_, err = fmt.Fprint(f.IOStreams.Out, Ticket(res.Config))
	return err
}

// Ticket renders the plain text the platform team pastes into the gateway
// configuration. Deliberately uncoloured: it is meant to be copied. Values
// are the file's, escaped (iostreams.SafeText) so none can act on the
// terminal it is copied from.
func Ticket(c *brand.Config) string {
	var b strings.Builder
	safe := iostreams.SafeText
	row := func(label, value string) { fmt.Fprintf(&b, "%-22s %s\n", label+":", safe(value)) }
	fmt.Fprintf(&b, "API gateway: external CIAM configuration for brand %s\n\n", safe(c.Brand))
	// The platform knows the brand by its name; the key only names the file.
	if c.DisplayName != "" {
		row("Brand name", c.DisplayName)
		row("Brand key", c.Brand)
	} else {
		row("Brand name", c.Brand+" (the brand key: no displayName set)")
	}
	if c.OrgID != 0 {
		row("Org ID", fmt.Sprint(c.OrgID))
	}
	if c.Cluster != "" {
		row("Platform cluster", clusterText(c.Cluster))
	}
	row("CIAM application ID", c.CIAM.ApplicationID)
	row("OAuth client ID", c.CIAM.ClientID)
	row("Userinfo endpoint", c.CIAM.UserinfoEndpoint)
	row("JWKS URI", c.CIAM.JWKSURI)
	b.WriteString("\nClaim mappings (platform field <- ID-token claim):\n")
	for _, field := range brand.MappingFields {
		claim := c.Mappings.Get(field)
		switch {
		case claim == "":
			claim = "(not mapped)"
		case strings.HasPrefix(claim, "/"):
			claim += "  (JSON Pointer)"
		}
		fmt.Fprintf(&b, "  %-20s %s\n", field+":", safe(claim))
	}
	if ch := c.Channel; ch != nil && ch.AccountID != "" {
		fmt.Fprintf(&b, "\nChannel account:       %s %s", safe(ch.Source), safe(ch.AccountID))
		if ch.AccountName != "" {
			fmt.Fprintf(&b, " (%s)", safe(ch.AccountName))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// clusterText is a preset with its API host, "eu (https://eu.api.capillarytech.com)", or the name alone when it
// is no preset (the file then has an error that says so).
func clusterText(name string) string {
	if u, ok := cluster.Lookup(name); ok {
		return name + " (" + u + ")"
	}
	return name
}

// clusterURL is the API host of a preset named exactly so, or "".
func clusterURL(name string) string {
	u, _ := cluster.Lookup(name)
	return u
}
