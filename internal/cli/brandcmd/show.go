package brandcmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/redact"
)

// ShowOptions holds the dependencies and arguments of `brand show`.
type ShowOptions struct {
	Factory *cmdutil.Factory
	Name    string
}

// NewCmdShow builds `brand show NAME`.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Factory: f}
	return &cobra.Command{
		Use:               "show NAME",
		Short:             "Show one brand's configuration and its problems",
		Example:           "  ciamctl brand show acme\n  ciamctl brand show acme -o json",
		Args:              cmdutil.ExactArgs(1, "brand NAME"),
		ValidArgsFunction: cmdutil.CompleteBrandName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
}

func showRun(o *ShowOptions) error {
	f := o.Factory
	res, err := f.LoadBrandFile(o.Name)
	if err != nil {
		return err
	}
	if f.Globals.Output != cmdutil.FormatText {
		err = cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, shownConfig(res.Config))
	} else {
		err = writeDetails(f, res)
	}
	if err != nil {
		return err
	}
	return reportProblems(f, res.Problems)
}

// reportProblems prints a file's problems to stderr; errors make the command fail.
func reportProblems(f *cmdutil.Factory, ps []brand.Problem) error {
	cs := f.IOStreams.ErrColorScheme()
	for _, p := range ps {
		fmt.Fprintln(f.IOStreams.ErrOut, cmdutil.ProblemLine(cs, p))
	}
	if brand.HasErrors(ps) {
		return cmdutil.ErrFailed
	}
	return nil
}

func writeDetails(f *cmdutil.Factory, res brand.FileResult) error {
	c := shownConfig(res.Config)
	cs := f.IOStreams.ColorScheme()
	var b strings.Builder
	row := func(indent, label, value string) {
		fmt.Fprintf(&b, "%s%-*s  %s\n", indent, 19-len(indent), label, value)
	}
	// Every value is the file's: escaped before it is coloured or printed.
	safe := iostreams.SafeText
	row("", "Brand", cs.Bold(safe(c.Brand)))
	if c.DisplayName != "" {
		row("", "Display name", safe(c.DisplayName))
	}
	row("", "File", safe(res.Path))
	if c.OrgID != 0 {
		row("", "Org ID", fmt.Sprint(c.OrgID))
	}
	if c.Cluster != "" {
		row("", "Cluster", clusterText(c.Cluster))
	}
	b.WriteString(cs.Bold("CIAM") + "\n")
	row("  ", "Provider", safe(dash(c.CIAM.Provider)))
	row("  ", "Application ID", safe(c.CIAM.ApplicationID))
	row("  ", "Client ID", safe(c.CIAM.ClientID))
	row("  ", "Issuer", orNote(safe(c.CIAM.Issuer), cs.Gray("(not set)")))
	row("  ", "Userinfo endpoint", safe(c.CIAM.UserinfoEndpoint))
	row("  ", "JWKS URI", safe(c.CIAM.JWKSURI))
	algs := safe(strings.Join(c.CIAM.Algorithms, ", "))
	row("  ", "Algorithms", orNote(algs, cs.Gray("(default: "+strings.Join(brand.AllowedAlgorithms, ", ")+")")))
	b.WriteString(cs.Bold("Claim mappings") + "\n")
	for _, field := range brand.MappingFields {
		row("  ", field, "← "+orNote(safe(c.Mappings.Get(field)), cs.Gray("(not mapped)")))
	}
	b.WriteString(cs.Bold("Channel") + "\n")
	if c.Channel != nil {
		row("  ", "Source", safe(c.Channel.Source))
		row("  ", "Account ID", safe(c.Channel.AccountID))
		row("  ", "Account name", safe(dash(c.Channel.AccountName)))
	} else {
		fmt.Fprintf(&b, "  %s\n", cs.Gray("not linked; run `ciamctl channel link --brand "+safe(c.Brand)+"`"))
	}
	_, err := io.WriteString(f.IOStreams.Out, b.String())
	return err
}

// shownConfig is cfg with its URLs redacted (credentials, query values): a
// brand file must not hold secrets, but one that does must not have them
// printed into CI logs by `brand show`. `brand export` keeps the real URLs,
// which the gateway needs (and refuses a file with errors).
func shownConfig(cfg *brand.Config) *brand.Config {
	if cfg == nil {
		return nil
	}
	c := *cfg
	c.CIAM.Issuer = redact.URL(c.CIAM.Issuer)
	c.CIAM.UserinfoEndpoint = redact.URL(c.CIAM.UserinfoEndpoint)
	c.CIAM.JWKSURI = redact.URL(c.CIAM.JWKSURI)
	return &c
}

func orNote(s, note string) string {
	if s == "" {
		return note
	}
	return s
}
