package authcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/deadline"
	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/profile"
	"github.com/ciamctl/ciamctl/internal/redact"
	"github.com/ciamctl/ciamctl/internal/urlpolicy"
)

// LoginOptions holds the dependencies and flags of `auth login`.
type LoginOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context

	Profile    string
	Cluster    string
	URL        string
	OrgID      string
	ClientKey  string
	Username   string
	WithSecret bool
	// InsecureStorage keeps the secret in the 0600 file, not the keychain.
	InsecureStorage bool
}

// maxSecret caps what --with-secret reads from stdin.
const maxSecret = 64 << 10

// NewCmdLogin builds `auth login`.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "login (--cluster C | --intouch-url URL) --org-id N [--profile NAME] [--client-key K | --username U] [--with-secret]",
		Short: "Store platform credentials as a profile",
		Long: `Check platform credentials against the API (OAuth: mint a token; basic: list
the org's channel accounts) and store them as a profile. Nothing is stored
when the check fails.

The client key (or, for basic credentials, --username) is an identifier and
may be a flag; on a terminal it is asked for when missing. The secret never
is a flag: on a terminal it is asked for without echo; otherwise
--with-secret reads it from stdin (as gh auth login --with-token does).

The profile is named --profile, else after the cluster and org ("eu-50123").
Logging in again under the same name replaces it. The secret goes to the OS
keychain; where there is none, to a file only you may read, with a warning
saying where and why; --insecure-storage puts it in that file directly (as
gh's flag of that name does).`,
		Example: `  ciamctl auth login --cluster eu --org-id 50123
  ciamctl auth login --cluster eu --org-id 50123 --client-key "$KEY" --with-secret < secret.txt
  ciamctl auth login --profile eu-parent --cluster eu --org-id 50100 --username ops --with-secret <<< "$PASSWORD"
  ciamctl auth login --intouch-url http://127.0.0.1:8081 --org-id 50123 --client-key emu-client-key --with-secret <<< emu-client-secret`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if opts.Cluster == "" && opts.URL == "" {
				return cmdutil.FlagErrorf("missing --cluster (%s) or --intouch-url: where the credentials are for", strings.Join(intouch.ClusterNames(), ", "))
			}
			if opts.OrgID == "" {
				return cmdutil.FlagErrorf("missing --org-id: the org the credentials are for, e.g. --org-id 50123")
			}
			if !digits(opts.OrgID) {
				return cmdutil.FlagErrorf("--org-id %q: an org ID is a number, e.g. 50123", opts.OrgID)
			}
			if opts.Profile != "" {
				if err := profile.CheckName(opts.Profile); err != nil {
					return cmdutil.FlagErrorf("--profile: %s", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return loginRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddProfileFlag(f, cmd, &opts.Profile, "name of the profile (default: CLUSTER-ORG, e.g. eu-50123)")
	fl.StringVar(&opts.Cluster, "cluster", "", "cluster preset: "+strings.Join(intouch.ClusterNames(), ", "))
	fl.StringVar(&opts.URL, "intouch-url", "", "API base URL instead of a preset (https; http only for loopback)")
	fl.StringVar(&opts.OrgID, "org-id", "", "the org the credentials are for")
	fl.StringVar(&opts.ClientKey, "client-key", "", "OAuth client key (asked for on a terminal when missing)")
	fl.StringVar(&opts.Username, "username", "", "basic credentials' username, instead of a client key")
	fl.BoolVar(&opts.WithSecret, "with-secret", false, "read the client secret (or password) from stdin")
	fl.BoolVar(&opts.InsecureStorage, "insecure-storage", false, "store the secret in a plain-text file readable only by you, not the OS keychain")
	cmd.MarkFlagsMutuallyExclusive("cluster", "intouch-url")
	cmd.MarkFlagsMutuallyExclusive("client-key", "username")
	_ = cmd.RegisterFlagCompletionFunc("cluster", cobra.FixedCompletions(intouch.ClusterNames(), cobra.ShellCompDirectiveNoFileComp))
	// The prompts wait for a person; the --timeout deadline starts after them.
	return cmdutil.OwnDeadline(cmd)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// loginResult is the -o json/yaml answer.
type loginResult struct {
	Profile        *profile.Profile `json:"profile"`
	Replaced       bool             `json:"replaced"`
	CredentialsOrg string           `json:"credentialsOrg,omitempty"`
	SecretFile     string           `json:"secretFile,omitempty"`
}

func loginRun(o *LoginOptions) error {
	f := o.Factory
	p := &profile.Profile{OrgID: o.OrgID, Cluster: strings.ToLower(o.Cluster)}
	if o.Cluster != "" {
		u, err := intouch.ClusterURL(o.Cluster)
		if err != nil {
			return cmdutil.FlagErrorf("--cluster: %s", strings.TrimPrefix(err.Error(), intouch.ErrConfig.Error()+": "))
		}
		p.URL = u
	} else {
		if _, err := urlpolicy.Check(o.URL); err != nil {
			return cmdutil.WithHint(cmdutil.FlagErrorf("--intouch-url %s: %s", redact.URL(o.URL), err),
				"the platform's clusters are https (--cluster %s); plain http is only for a local emulator such as `ciamctl sandbox`", strings.Join(intouch.ClusterNames(), "|"))
		}
		p.URL = strings.TrimRight(o.URL, "/")
	}
	p.Name = o.Profile
	if p.Name == "" {
		p.Name = profile.DefaultName(p.Cluster, p.URL, p.OrgID)
	}
	p.Auth, p.ClientKey, p.Username = profile.AuthOAuth, strings.TrimSpace(o.ClientKey), strings.TrimSpace(o.Username)
	if p.Username != "" {
		p.Auth = profile.AuthBasic
	}
	secret, err := o.secret(p)
	if err != nil {
		return err
	}
	// Fail before asking the platform when the profiles cannot be written.
	store, err := f.ProfileStore()
	if err != nil {
		return err
	}
	store.FileOnly = o.InsecureStorage
	if _, err := store.Load(); err != nil {
		return err
	}

	ctx, cancel := deadline.With(o.Ctx, f.Globals.Timeout, "--timeout")
	defer cancel()
	client, err := f.ProfileClient(p, secret)
	if err != nil {
		return err
	}
	stop := f.IOStreams.StartProgress("Checking the credentials")
	chk, err := checkCredentials(ctx, client, p)
	stop()
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("checking %s for org %s at %s: %w", identity(p), p.OrgID, p.URL, cmdutil.IntouchError(err)),
			"nothing was stored; check the key and secret in the platform's UI (or pass --cluster/--intouch-url and --org-id for where they belong)")
	}
	saved, err := store.Save(ctx, p, secret)
	if err != nil {
		return err
	}
	if saved.Fallback != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: no OS keychain (%s): the secret is stored in %s, readable only by you\n",
			iostreams.SafeText(saved.Fallback), store.SecretsPath())
	}
	if chk.Note != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "note: %s\n", chk.Note)
	}
	if f.Globals.Output != cmdutil.FormatText {
		res := loginResult{Profile: p, Replaced: saved.Replaced, CredentialsOrg: chk.CredentialsOrg}
		if p.SecretStore == profile.StoreFile {
			res.SecretFile = store.SecretsPath()
		}
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, res)
	}
	verb := "Logged in"
	if saved.Replaced {
		verb = "Logged in again"
	}
	cs := f.IOStreams.ColorScheme()
	fmt.Fprintf(f.IOStreams.Out, "%s %s to %s for org %s as profile %q (%s); the secret is in %s\n", cs.SuccessIcon(), verb,
		p.URL, p.OrgID, p.Name, iostreams.SafeText(identity(p)), cmdutil.ProfileSource(store, p))
	return nil
}

// secret returns the secret from stdin (--with-secret) or a prompt, asking
// on a terminal for the key or username too when it is missing.
func (o *LoginOptions) secret(p *profile.Profile) (string, error) {
	f := o.Factory
	what := "client secret"
	if p.Auth == profile.AuthBasic {
		what = "password"
	}
	if o.WithSecret {
		if f.IOStreams.IsStdinTTY() {
			return "", cmdutil.WithHint(cmdutil.FlagErrorf("--with-secret reads the %s from stdin, which is a terminal (it would echo)", what),
				"pipe it in (e.g. `pass show intouch | ciamctl auth login … --with-secret`), or leave out --with-secret to be asked without echo")
		}
		if p.Identity() == "" {
			return "", cmdutil.FlagErrorf("--with-secret needs --client-key (or --username for basic credentials): stdin holds only the %s", what)
		}
		b, err := io.ReadAll(io.LimitReader(f.IOStreams.In, maxSecret+1))
		if err != nil {
			return "", fmt.Errorf("--with-secret: reading stdin: %w", err)
		}
		if len(b) > maxSecret {
			return "", cmdutil.FlagErrorf("--with-secret: stdin is larger than 64 KiB; it should hold only the %s", what)
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			return "", cmdutil.FlagErrorf("--with-secret: stdin is empty; pipe the %s in", what)
		}
		return s, nil
	}
	if !f.CanPrompt() {
		missing := "--with-secret"
		if p.Identity() == "" {
			missing = "--client-key (or --username) and --with-secret"
		}
		why := "no terminal to ask for the " + what + " on"
		if f.Globals.NoInput {
			why = "--no-input: the " + what + " is not asked for"
		}
		return "", cmdutil.WithHint(cmdutil.FlagErrorf("%s: pass %s and the %s on stdin", why, missing, what),
			"e.g. `ciamctl auth login --cluster eu --org-id 50123 --client-key KEY --with-secret < secret.txt`")
	}
	var fields []huh.Field
	if p.Identity() == "" {
		fields = append(fields, huh.NewInput().Title("Client key").Value(&p.ClientKey).Validate(required("the client key")))
	}
	var secret string
	title := "Client secret"
	if p.Auth == profile.AuthBasic {
		title = "Password of " + p.Username
	}
	fields = append(fields, huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&secret).Validate(required("the "+what)))
	err := huh.NewForm(huh.NewGroup(fields...)).
		WithInput(f.IOStreams.In).
		WithOutput(f.IOStreams.ErrOut).
		WithAccessible(f.Accessible()).
		RunWithContext(o.Ctx)
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return "", cmdutil.ErrCancelled
	case err != nil:
		return "", err
	}
	p.ClientKey = strings.TrimSpace(p.ClientKey)
	if p.Identity() == "" || secret == "" {
		return "", cmdutil.FlagErrorf("no %s was entered", what)
	}
	return secret, nil
}

func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("enter %s", what)
		}
		return nil
	}
}
