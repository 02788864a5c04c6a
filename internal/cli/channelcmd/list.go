package channelcmd

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// ListOptions holds the dependencies and flags of `channel list`.
type ListOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Intouch cmdutil.IntouchFlags

	Brand         string
	OAuthExternal bool
}

// NewCmdList builds `channel list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the org's channel (source) accounts",
		Long: `List the org's channel (source) accounts from the Intouch API: ID, source type,
account ID (the accountId of customer calls), name and whether it is active.

The org is --org-id, else $CIAMCTL_INTOUCH_ORG_ID, else the orgId of --brand;
the API host is --intouch-url or --cluster, else $CIAMCTL_INTOUCH_URL, else the
cluster of --brand.`,
		Example: `  ciamctl channel list
  ciamctl channel list --oauth-external
  ciamctl channel list --brand acme -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmdutil.AddBrandFlag(f, cmd, &opts.Brand, "take the org ID and cluster from this brand when no other is set")
	cmd.Flags().BoolVar(&opts.OAuthExternal, "oauth-external", false, "only OAUTH_EXTERNAL accounts")
	cmdutil.AddIntouchFlags(cmd, &opts.Intouch)
	return cmd
}

func listRun(o *ListOptions) error {
	f := o.Factory
	var bcfg *brand.Config
	if o.Brand != "" {
		res, err := f.UsableBrand(o.Brand)
		if err != nil {
			return err
		}
		bcfg = res.Config
	}
	client, err := f.IntouchForBrand(o.Intouch, bcfg)
	if err != nil {
		return err
	}
	if client.OrgID() == "" {
		return cmdutil.FlagErrorf("no org ID: pass --org-id or --brand, or set %s", intouch.EnvOrgID)
	}
	stop := f.IOStreams.StartProgress("Listing channel accounts")
	all, err := client.ListChannelAccounts(o.Ctx)
	stop()
	if err != nil {
		return cmdutil.IntouchError(err)
	}
	if o.OAuthExternal {
		all = intouch.OAuthExternalAccounts(all)
	}
	if all == nil {
		all = []intouch.ChannelAccount{}
	}
	if f.Globals.Output != cmdutil.FormatText {
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, all)
	}
	if len(all) == 0 {
		what := "channel accounts"
		if o.OAuthExternal {
			what = "OAUTH_EXTERNAL channel accounts"
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "No %s in org %s. Create the gateway's with `ciamctl channel link --brand NAME`.\n", what, iostreams.SafeText(client.OrgID()))
		return nil
	}
	cs := f.IOStreams.ColorScheme()
	tw := tabwriter.NewWriter(f.IOStreams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, cs.Bold("ID")+"\t"+cs.Bold("SOURCE")+"\t"+cs.Bold("ACCOUNT ID")+"\t"+cs.Bold("NAME")+"\t"+cs.Bold("ACTIVE"))
	for _, a := range all {
		active := cs.Green("yes")
		if !a.IsActive {
			active = cs.Gray("no")
		}
		// The platform's answer: escaped before it is coloured or printed.
		src := iostreams.SafeText(a.SourceTypeName)
		if a.IsOAuthExternal() {
			src = cs.Cyan(src)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.ID, src, iostreams.SafeText(dash(a.SourceAccountIdentifier)), iostreams.SafeText(dash(a.Name)), active)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
