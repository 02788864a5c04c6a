package brandcmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
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
		ValidArgsFunction: completeBrandNames(f),
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
	res, err := LoadBrand(f, o.Name)
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

// loadBrand loads a brand by name with a hint for the common mistakes.
// LoadBrand loads and checks the brand a command names, with a hint when
// there is no such brand.
func LoadBrand(f *cmdutil.Factory, name string) (brand.FileResult, error) {
	store := f.Workspace()
	res, err := store.Load(name)
	if err != nil {
		return res, cmdutil.WithHint(err, "run `ciamctl brand list` to see the brands in %s", store.Dir)
	}
	return res, nil
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
	row("", "Brand", cs.Bold(c.Brand))
	row("", "File", res.Path)
	if c.OrgID != 0 {
		row("", "Org ID", fmt.Sprint(c.OrgID))
	}
	b.WriteString(cs.Bold("CIAM") + "\n")
	row("  ", "Provider", dash(c.CIAM.Provider))
	row("  ", "Application ID", c.CIAM.ApplicationID)
	row("  ", "Client ID", c.CIAM.ClientID)
	row("  ", "Issuer", orNote(c.CIAM.Issuer, cs.Gray("(not set)")))
	row("  ", "Userinfo endpoint", c.CIAM.UserinfoEndpoint)
	row("  ", "JWKS URI", c.CIAM.JWKSURI)
	algs := strings.Join(c.CIAM.Algorithms, ", ")
	row("  ", "Algorithms", orNote(algs, cs.Gray("(default: "+strings.Join(brand.AllowedAlgorithms, ", ")+")")))
	b.WriteString(cs.Bold("Claim mappings") + "\n")
	for _, field := range brand.MappingFields {
		row("  ", field, "← "+orNote(c.Mappings.Get(field), cs.Gray("(not mapped)")))
	}
	b.WriteString(cs.Bold("Channel") + "\n")
	if c.Channel != nil {
		row("  ", "Source", c.Channel.Source)
		row("  ", "Account ID", c.Channel.AccountID)
		row("  ", "Account name", dash(c.Channel.AccountName))
	} else {
		fmt.Fprintf(&b, "  %s\n", cs.Gray("not linked; run `ciamctl channel link --brand "+c.Brand+"`"))
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
