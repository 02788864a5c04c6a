package democmd

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/sandbox"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

const stepCount = 9

// journey is one run of the demo: the sandbox, the workspace, and what
// earlier steps produced for later ones.
type journey struct {
	opts  *Options
	f     *cmdutil.Factory
	sb    *sandbox.Sandbox
	dir   string
	brand string
	env   map[string]string

	step  int
	token string
	sub   string
}

func (j *journey) walk(ctx context.Context) error {
	j.env = map[string]string{
		"CIAMCTL_DIR":       j.dir,
		"CIAMCTL_CACHE_DIR": j.dir + "/.cache",
	}
	j.sb.SetEnv(j.env, false)
	j.intro()

	mobileClaim := ciamemu.MobileClaim(j.sb.Issuer)
	steps := []func() error{
		func() error {
			j.headline("Register the brand from the CIAM's discovery document",
				"Issuer, JWKS URI and userinfo endpoint come from /.well-known/openid-configuration; the mappings use a plain claim, a JSON Pointer and a namespaced URL claim.")
			return j.ciamctl(ctx, "brand", "add", "--no-input", "--name", j.brand, "--provider", "nextreason",
				"--application-id", "acme-app-7f3c", "--client-id", j.sb.CIAM.ClientID(), "--org-id", j.sb.Intouch.Options().OrgID,
				"--discover", j.sb.Issuer,
				"--map", "firstname=given_name", "--map", "lastname=family_name",
				"--map", "mobile="+mobileClaim, "--map", "email=/contact/email")
		},
		func() error {
			j.headline("Check the configuration against the live CIAM",
				"Discovery, the key set and the userinfo endpoint, as CI would run it before shipping.")
			return j.ciamctl(ctx, "config", "validate", "--online")
		},
		func() error {
			j.headline("Create the org's OAUTH_EXTERNAL channel account",
				"Found or created through the Intouch API, then recorded in the brand file; running it again changes nothing.")
			return j.ciamctl(ctx, "channel", "link", "--brand", j.brand)
		},
		func() error {
			j.headline(fmt.Sprintf("%s signs in to the CIAM", j.opts.User),
				"token fetch gets an ID token from the CIAM and verifies it before printing it; the password flow suits a script, `ciamctl token fetch --brand acme` signs in with a browser.")
			return j.signIn(ctx)
		},
		func() error {
			j.headline("Verify the ID token as the gateway will",
				"Signature against the JWKS, algorithm allow-list, issuer, audience (the client ID), expiry, sub.")
			return j.ciamctl(ctx, "token", "verify", "--brand", j.brand, j.token)
		},
		func() error {
			j.headline("See the customer this token maps to",
				"The profile and the exact request the platform will receive, before anything is written.")
			return j.ciamctl(ctx, "mapping", "dry-run", "--brand", j.brand, j.token)
		},
		func() error {
			j.headline("Log in through the gateway",
				"Look the customer up by cuid under OAUTH_EXTERNAL; absent, so it is created.")
			return j.ciamctl(ctx, "flow", "login", "--brand", j.brand, j.token, "--apply")
		},
		func() error {
			j.headline("Find the customer by the CIAM's user ID",
				"The token's sub is the customer's cuid in Member Care.")
			return j.ciamctl(ctx, "customer", "lookup", "--brand", j.brand, "--cuid", j.sub)
		},
		func() error {
			j.headline("Change the profile in the CIAM and log in again",
				"A new family name and mobile in the CIAM; the next login updates the platform profile.")
			if err := j.changeProfile(); err != nil {
				return err
			}
			if err := j.signIn(ctx); err != nil {
				return err
			}
			return j.ciamctl(ctx, "flow", "login", "--brand", j.brand, j.token, "--apply")
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("demo step %d: %w", j.step, err)
		}
	}
	return j.outro()
}

func (j *journey) intro() {
	cs := j.f.IOStreams.ColorScheme()
	w := j.f.IOStreams.Out
	fmt.Fprintln(w, cs.Bold("ciamctl demo")+" — a brand's CIAM wired to the loyalty platform, end to end")
	fmt.Fprintf(w, "%s\n", cs.Gray("  CIAM emulator     "+j.sb.Issuer))
	fmt.Fprintf(w, "%s\n", cs.Gray("  Intouch emulator  "+j.sb.IntouchURL+" (org "+j.sb.Intouch.Options().OrgID+")"))
	fmt.Fprintf(w, "%s\n", cs.Gray("  the commands below run with CIAMCTL_DIR set to a temporary workspace"))
	fmt.Fprintf(w, "%s\n", cs.Gray("  and CIAMCTL_INTOUCH_* pointing at the Intouch emulator"))
}

func (j *journey) headline(title, why string) {
	j.step++
	cs := j.f.IOStreams.ColorScheme()
	w := j.f.IOStreams.Out
	fmt.Fprintf(w, "\n%s %s\n", cs.Cyan(fmt.Sprintf("[%d/%d]", j.step, stepCount)), cs.Bold(title))
	fmt.Fprintf(w, "%s\n", cs.Gray("      "+why))
}

// ciamctl runs one real command and shows its command line first.
func (j *journey) ciamctl(ctx context.Context, args ...string) error {
	cs := j.f.IOStreams.ColorScheme()
	fmt.Fprintf(j.f.IOStreams.Out, "%s %s\n", cs.Gray("$"), displayArgs(args, j.token))
	if err := j.opts.Run(ctx, childFactory(j.f, j.env), args); err != nil {
		return fmt.Errorf("%s: %w", displayArgs(args[:2], ""), err)
	}
	return nil
}

// signIn gets an ID token with `ciamctl token fetch` (the password flow: a
// browser has no place in a scripted demo), which verifies it before
// printing it, and keeps it for the next steps.
func (j *journey) signIn(ctx context.Context) error {
	u, ok := j.sb.CIAM.FindUser(j.opts.User)
	if !ok {
		return fmt.Errorf("no seeded user %q (try alice or bob)", j.opts.User)
	}
	cs := j.f.IOStreams.ColorScheme()
	args := []string{"token", "fetch", "--brand", j.brand, "--flow", "password", "--username", j.opts.User}
	fmt.Fprintf(j.f.IOStreams.Out, "%s TOKEN=$(CIAMCTL_CIAM_PASSWORD=password %s)\n", cs.Gray("$"), displayArgs(args, ""))
	env := maps.Clone(j.env)
	env["CIAMCTL_CIAM_PASSWORD"] = "password" // the seeded users' password
	child := childFactory(j.f, env)
	// The token is captured as $TOKEN would be; what token fetch says on
	// stderr is part of the walkthrough.
	var token bytes.Buffer
	ios := *j.f.IOStreams
	ios.Out, ios.ErrOut = &token, j.f.IOStreams.Out
	ios.SetColorEnabled(j.f.IOStreams.ColorEnabled())
	child.IOStreams = &ios
	if err := j.opts.Run(ctx, child, args); err != nil {
		return fmt.Errorf("token fetch: %w", err)
	}
	j.token, j.sub = strings.TrimSpace(token.String()), u.Sub
	fmt.Fprintf(j.f.IOStreams.Out, "  saved as $TOKEN (%d bytes)\n", len(j.token))
	return nil
}

func (j *journey) changeProfile() error {
	u, err := j.sb.CIAM.UpdateUser(j.sub, func(u *ciamemu.User) {
		u.FamilyName += "-Smith"
		u.PhoneNumber = "+44 7700 900123"
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(j.f.IOStreams.Out, "  in the CIAM: family_name → %q, phone → %q\n", u.FamilyName, u.PhoneNumber)
	return nil
}

// outro shows the end state straight from the platform emulator.
func (j *journey) outro() error {
	cs := j.f.IOStreams.ColorScheme()
	w := j.f.IOStreams.Out
	// The account is the one channel link recorded in the brand file.
	res, err := (&workspace.Store{Dir: j.dir}).Load(j.brand)
	if err != nil {
		return err
	}
	if res.Config == nil || res.Config.Channel == nil {
		return fmt.Errorf("%s records no channel account", res.Path)
	}
	account := res.Config.Channel.AccountID
	c, ok := j.sb.Intouch.FindCustomer(brand.SourceOAuthExternal, account, "cuid", j.sub)
	if !ok {
		return fmt.Errorf("the platform has no customer with cuid %s under OAUTH_EXTERNAL/%s", j.sub, account)
	}
	var p intouchemu.Profile
	for _, prof := range c.Profiles {
		if strings.EqualFold(prof.Source, brand.SourceOAuthExternal) && prof.AccountID == account {
			p = prof
		}
	}
	fmt.Fprintf(w, "\n%s Customer %d in Member Care: %s %s, cuid %s under OAUTH_EXTERNAL (account %s).\n",
		cs.SuccessIcon(), c.ID, p.FirstName, p.LastName, j.sub, account)
	fmt.Fprintln(w, cs.Gray("  Try it yourself: `ciamctl sandbox` serves the same emulators until Ctrl-C."))
	return nil
}
