package authcmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/profile"
)

// StatusOptions holds the dependencies and flags of `auth status`.
type StatusOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Profile string
}

// NewCmdStatus builds `auth status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "status [--profile NAME]",
		Short: "Check that stored credentials still work, and which brand uses which",
		Long: `For each profile (or only --profile): where it points, where its secret is,
and whether the platform still accepts it (OAuth: a token is minted; basic:
the org's channel accounts are listed), all within --timeout. Then, for each
brand of the workspace, whose credentials its commands use: a profile (by
its orgId and cluster), the CIAMCTL_INTOUCH_* variables, or none.

No secret or token is ever printed. Exit 0 when every profile checked works,
1 when one does not (or there are no credentials at all).`,
		Example: `  ciamctl auth status
  ciamctl auth status --profile eu-50123 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return statusRun(opts)
		},
	}
	cmdutil.AddProfileFlag(f, cmd, &opts.Profile, "check only this profile")
	return cmd
}

// ProfileStatus is one profile and how its check went.
type ProfileStatus struct {
	*profile.Profile
	SecretFile     string   `json:"secretFile,omitempty"`
	OK             bool     `json:"ok"`
	Detail         string   `json:"detail"`
	CredentialsOrg string   `json:"credentialsOrg,omitempty"`
	Warning        string   `json:"warning,omitempty"`
	Brands         []string `json:"brands"`
}

// BrandStatus says whose credentials a brand's commands use.
type BrandStatus struct {
	Brand string `json:"brand"`
	// Credentials is "profile", "environment" or "none".
	Credentials string `json:"credentials"`
	Profile     string `json:"profile,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

// Status is the -o json/yaml answer.
type Status struct {
	ConfigDir string `json:"configDir"`
	// Environment is true when CIAMCTL_INTOUCH_* hold credentials, which
	// commands use instead of a profile unless --profile is given.
	Environment bool            `json:"environment"`
	Profiles    []ProfileStatus `json:"profiles"`
	Brands      []BrandStatus   `json:"brands"`
}

func statusRun(o *StatusOptions) error {
	f := o.Factory
	store, cfg, err := f.LoadProfiles()
	if err != nil {
		return err
	}
	list := cfg.List()
	if o.Profile != "" {
		p, err := cfg.Get(o.Profile)
		if err != nil {
			return cmdutil.WithHint(cmdutil.FlagErrorf("--profile: %s", err), "`ciamctl auth list` shows the profiles")
		}
		list = []*profile.Profile{p}
	}
	st := Status{ConfigDir: store.Dir, Profiles: make([]ProfileStatus, len(list)), Brands: []BrandStatus{}}
	st.Environment = intouch.ConfigFromEnv(f.Getenv).AuthMode() != intouch.AuthNone

	stop := f.IOStreams.StartProgress("Checking the credentials")
	var wg sync.WaitGroup
	for i, p := range list {
		wg.Go(func() { st.Profiles[i] = checkProfile(o.Ctx, f, store, p) })
	}
	wg.Wait()
	stop()

	byName := map[string]*ProfileStatus{}
	for i := range st.Profiles {
		byName[st.Profiles[i].Name] = &st.Profiles[i]
	}
	st.Brands = brandStatuses(f)
	for _, b := range st.Brands {
		if ps := byName[b.Profile]; ps != nil {
			ps.Brands = append(ps.Brands, b.Brand)
		}
	}

	ok := len(list) > 0 || st.Environment
	for _, ps := range st.Profiles {
		ok = ok && ps.OK
	}
	if f.Globals.Output != cmdutil.FormatText {
		if err := cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, st); err != nil {
			return err
		}
	} else {
		printStatus(f, st)
	}
	if !ok {
		return cmdutil.ErrFailed
	}
	return nil
}

// checkProfile reads p's secret and tries it against p's host.
func checkProfile(ctx context.Context, f *cmdutil.Factory, store *profile.Store, p *profile.Profile) ProfileStatus {
	ps := ProfileStatus{Profile: p, Brands: []string{}}
	if p.SecretStore == profile.StoreFile {
		ps.SecretFile = store.SecretsPath()
	}
	fail := func(err error) ProfileStatus {
		ps.Detail = strings.Join(strings.Fields(err.Error()), " ")
		return ps
	}
	secret, err := store.Secret(ctx, p)
	if err != nil {
		return fail(err)
	}
	client, err := f.ProfileClient(p, secret)
	if err != nil {
		return fail(err)
	}
	chk, err := checkCredentials(ctx, client, p)
	if err != nil {
		return fail(cmdutil.IntouchError(err))
	}
	ps.OK, ps.CredentialsOrg, ps.Warning = true, chk.CredentialsOrg, chk.Note
	if p.Auth == profile.AuthBasic {
		ps.Detail = fmt.Sprintf("%s accepts %s: org %s's channel accounts listed", p.URL, identity(p), p.OrgID)
	} else {
		ps.Detail = fmt.Sprintf("%s accepts %s: a token for org %s", p.URL, identity(p), cmp.Or(chk.CredentialsOrg, "?"))
	}
	return ps
}

// brandStatuses says, for each usable brand of the workspace, whose
// credentials its commands would use. A workspace that cannot be read has
// no brands to report.
func brandStatuses(f *cmdutil.Factory) []BrandStatus {
	out := []BrandStatus{}
	results, err := f.Workspace().CheckAll()
	if err != nil {
		return out
	}
	for _, r := range results {
		if r.Config == nil || brand.HasErrors(r.Problems) {
			continue // a brand with errors is never used
		}
		bs := BrandStatus{Brand: r.Config.Brand, Credentials: "none"}
		bc, err := f.CredentialsForBrand(r.Config)
		switch {
		case err != nil:
			bs.Detail = strings.Join(strings.Fields(err.Error()), " ")
		case bc.Environment:
			bs.Credentials, bs.Detail = "environment", "the CIAMCTL_INTOUCH_* variables"
		case bc.Profile != nil:
			bs.Credentials, bs.Profile = "profile", bc.Profile.Name
		default:
			bs.Detail = "no profile for " + profile.Describe(bc.URL, bc.OrgID) + loginHint(r.Config, bc)
		}
		out = append(out, bs)
	}
	return out
}

func loginHint(b *brand.Config, bc cmdutil.BrandCredentials) string {
	if bc.OrgID == "" {
		return ""
	}
	where := "--cluster C"
	if b.Cluster != "" {
		where = "--cluster " + b.Cluster
	}
	return fmt.Sprintf(": ciamctl auth login %s --org-id %s", where, bc.OrgID)
}

func printStatus(f *cmdutil.Factory, st Status) {
	w := f.IOStreams.Out
	cs := f.IOStreams.ColorScheme()
	if st.Environment {
		fmt.Fprintf(w, "%s %s and _SECRET (or _USERNAME and _PASSWORD) are set: platform commands use them, not a profile, unless --profile is given\n",
			cs.WarningIcon(), intouch.EnvClientKey)
	}
	if len(st.Profiles) == 0 {
		fmt.Fprintf(w, "No profiles in %s. Add one with `ciamctl auth login --cluster C --org-id N`.\n", iostreams.SafeText(st.ConfigDir))
	}
	for _, ps := range st.Profiles {
		fmt.Fprintln(w, cs.Bold(ps.Name))
		icon := cs.SuccessIcon()
		if !ps.OK {
			icon = cs.FailureIcon()
		}
		fmt.Fprintf(w, "  %s %s\n", icon, iostreams.SafeText(ps.Detail))
		if ps.Warning != "" {
			fmt.Fprintf(w, "  %s %s\n", cs.WarningIcon(), iostreams.SafeText(ps.Warning))
		}
		secret := "the OS keychain"
		if ps.SecretFile != "" {
			secret = ps.SecretFile
		}
		fmt.Fprintf(w, "  - platform %s, org %s; secret in %s\n", iostreams.SafeText(ps.Where()), ps.OrgID, iostreams.SafeText(secret))
		brands := "none"
		if len(ps.Brands) > 0 {
			brands = strings.Join(ps.Brands, ", ")
		}
		fmt.Fprintf(w, "  - brands: %s\n", brands)
	}
	printBrandsWithout(w, st.Brands)
}

// printBrandsWithout lists the brands whose commands have no credentials.
func printBrandsWithout(w io.Writer, brands []BrandStatus) {
	var none []BrandStatus
	for _, b := range brands {
		if b.Credentials == "none" {
			none = append(none, b)
		}
	}
	if len(none) == 0 {
		return
	}
	fmt.Fprintln(w, "Brands without credentials:")
	for _, b := range none {
		fmt.Fprintf(w, "  %s: %s\n", b.Brand, iostreams.SafeText(b.Detail))
	}
}
