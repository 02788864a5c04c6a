package democmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/sandbox"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

const stepCount = 13

// journey is one run of the demo: the sandbox, the workspace, and what
// earlier steps produced for later ones.
type journey struct {
	opts  *Options
	f     *cmdutil.Factory
	sb    *sandbox.Sandbox
	dir   string
	brand string
	env   map[string]string

	step         int
	token        string // the latest ID token
	accessToken  string // the latest access token
	refreshToken string // the latest refresh token ("" when the CIAM issued none)
	sub          string
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
			return j.ciamctl(ctx, "brand", "add", "--no-input", "--name", j.brand, "--display-name", "Acme Loyalty", "--provider", "nextreason",
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
			j.headline(fmt.Sprintf("%s, registered in the CIAM, signs in", j.opts.User),
				"Registration happens in the CIAM. token fetch gets the tokens and verifies the ID token before printing anything; the password flow suits a script, `ciamctl token fetch --brand acme` signs in with a browser.")
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
			j.headline("Pre-flight the whole user base before the switch",
				"Every CIAM user mapped as the gateway will: who cannot be created, and who would merge into one customer because they share an email or mobile.")
			return j.preflight(ctx)
		},
		func() error {
			j.headline("Log in through the gateway",
				"Look the customer up by cuid under OAUTH_EXTERNAL; absent, so it is created: the registration reaches the platform.")
			return j.ciamctl(ctx, "flow", "login", "--brand", j.brand, j.token, "--apply")
		},
		func() error {
			j.headline("Find the customer by the CIAM's user ID",
				"The token's sub is the customer's cuid in Member Care.")
			return j.ciamctl(ctx, "customer", "lookup", "--brand", j.brand, "--cuid", j.sub)
		},
		func() error {
			j.headline("Register what the CIAM does not carry, under INSTORE",
				"The guide's separate registration call: custom and extended fields. Its mobile and email are the customer's, so the platform merges it into the same customer (8050).")
			return j.ciamctl(ctx, "customer", "register", "--brand", j.brand, "--source", "INSTORE", j.token,
				"--field", "city=Leeds", "--extended-field", "gender=Female", "--apply")
		},
		func() error {
			j.headline("Profile update: change the name in the CIAM, log in again",
				"A new family name in the CIAM (its admin API); the next login updates the platform profile.")
			if err := j.changeUser(ctx, ciamemu.UserChange{FamilyName: ptr(j.familyName() + "-Smith")}); err != nil {
				return err
			}
			if err := j.signIn(ctx); err != nil {
				return err
			}
			return j.ciamctl(ctx, "flow", "login", "--brand", j.brand, j.token, "--apply")
		},
		func() error {
			j.headline("Identifier change, in two steps",
				"Step 1: the CIAM changes the mobile; the login reports it but changes no identifier. Step 2: the app's separate identifier-update call, once a fresh ID token shows the CIAM holds the new value.")
			if err := j.changeUser(ctx, ciamemu.UserChange{PhoneNumber: ptr(newPhone)}); err != nil {
				return err
			}
			if err := j.signIn(ctx); err != nil {
				return err
			}
			if err := j.ciamctl(ctx, "flow", "login", "--brand", j.brand, j.token, "--apply"); err != nil {
				return err
			}
			return j.ciamctl(ctx, "customer", "change-identifier", "--brand", j.brand, "--cuid", j.sub,
				"--mobile", newMobile, "--token", j.token, "--apply")
		},
		func() error {
			j.headline("Log out",
				"End the CIAM session and revoke the refresh and access tokens; userinfo refuses the access token afterwards. The platform has nothing to do.")
			args := []string{"flow", "logout", "--brand", j.brand, "--id-token-hint", j.token, "--access-token", j.accessToken}
			if j.refreshToken != "" {
				args = append(args, "--refresh-token", j.refreshToken)
			}
			return j.ciamctl(ctx, append(args, "--apply")...)
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
	fmt.Fprintf(j.f.IOStreams.Out, "%s %s\n", cs.Gray("$"), displayArgs(args, j.secrets()))
	if err := j.opts.Run(ctx, childFactory(j.f, j.env), args); err != nil {
		return fmt.Errorf("%s: %w", displayArgs(args[:2], nil), err)
	}
	return nil
}

// signIn gets the tokens with `ciamctl token fetch -o json` (the password
// flow: a browser has no place in a scripted demo), which verifies the ID
// token before printing anything, and keeps them for the next steps.
func (j *journey) signIn(ctx context.Context) error {
	u, ok := j.sb.CIAM.FindUser(j.opts.User)
	if !ok {
		return fmt.Errorf("no seeded user %q (try alice or bob)", j.opts.User)
	}
	cs := j.f.IOStreams.ColorScheme()
	args := []string{"token", "fetch", "--brand", j.brand, "--flow", "password", "--username", j.opts.User, "-o", "json"}
	fmt.Fprintf(j.f.IOStreams.Out, "%s TOKENS=$(%s=password %s)\n", cs.Gray("$"), cmdutil.EnvCIAMPassword, displayArgs(args, nil))
	env := maps.Clone(j.env)
	env[cmdutil.EnvCIAMPassword] = "password" // the seeded users' password
	child := childFactory(j.f, env)
	// stdout is captured as $TOKENS would be; what token fetch says on
	// stderr (the verification) is part of the walkthrough.
	var out bytes.Buffer
	ios := *j.f.IOStreams
	ios.Out, ios.ErrOut = &out, j.f.IOStreams.Out
	ios.SetColorEnabled(j.f.IOStreams.ColorEnabled())
	child.IOStreams = &ios
	if err := j.opts.Run(ctx, child, args); err != nil {
		return fmt.Errorf("token fetch: %w", err)
	}
	var toks struct {
		IDToken      string `json:"id_token"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(out.Bytes(), &toks); err != nil || toks.IDToken == "" || toks.AccessToken == "" {
		return fmt.Errorf("token fetch -o json: no id_token and access_token in its output")
	}
	j.token, j.accessToken, j.refreshToken, j.sub = toks.IDToken, toks.AccessToken, toks.RefreshToken, u.Sub
	saved := "  .id_token saved as $ID_TOKEN, .access_token as $ACCESS_TOKEN"
	if j.refreshToken != "" {
		saved += ", .refresh_token as $REFRESH_TOKEN"
	}
	fmt.Fprintln(j.f.IOStreams.Out, saved)
	return nil
}

// secrets are the tokens the command lines show as variables.
func (j *journey) secrets() map[string]string {
	return map[string]string{j.token: `"$ID_TOKEN"`, j.accessToken: `"$ACCESS_TOKEN"`, j.refreshToken: `"$REFRESH_TOKEN"`}
}

// The demo's new mobile: step 1 puts it in the CIAM, step 2 on the platform.
const (
	newPhone  = "+44 7700 900123"
	newMobile = "447700900123"
)

func ptr(s string) *string { return &s }

func (j *journey) familyName() string {
	u, _ := j.sb.CIAM.FindUser(j.sub)
	return u.FamilyName
}

// changeUser changes the user in the CIAM through the emulator's admin API, over HTTP, as the sandbox
// lets anyone do with curl.
func (j *journey) changeUser(ctx context.Context, change ciamemu.UserChange) error {
	body, err := json.Marshal(change)
	if err != nil {
		return err
	}
	u := j.sb.Issuer + ciamemu.PathAdminUsers + "/" + j.opts.User
	fmt.Fprintf(j.f.IOStreams.Out, "%s PATCH %s  %s\n", j.f.IOStreams.ColorScheme().Gray("$"), u, body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+j.sb.CIAM.AdminToken())
	req.Header.Set("Content-Type", "application/json")
	res, err := j.f.HTTPClient().Do(req)
	if err != nil {
		return fmt.Errorf("changing the user in the CIAM: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("changing the user in the CIAM: %s", res.Status)
	}
	fmt.Fprintln(j.f.IOStreams.Out, "  changed in the CIAM; the next sign-in carries it")
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
	var sources []string
	for _, prof := range c.Profiles {
		if strings.EqualFold(prof.Source, brand.SourceOAuthExternal) && prof.AccountID == account {
			p = prof
		}
		src := prof.Source
		if prof.AccountID != "" {
			src += "/" + prof.AccountID
		}
		sources = append(sources, src)
	}
	mobile := ""
	for _, id := range p.Identifiers {
		if id.Type == "mobile" {
			mobile = id.Value
		}
	}
	fmt.Fprintf(w, "\n%s Customer %d in Member Care: %s %s, cuid %s under OAUTH_EXTERNAL (account %s).\n",
		cs.SuccessIcon(), c.ID, p.FirstName, p.LastName, j.sub, account)
	var fields []string
	for _, prof := range c.Profiles {
		for k, v := range prof.Fields {
			fields = append(fields, fmt.Sprintf("%s=%v (%s)", k, v, prof.Source))
		}
	}
	for k, v := range c.ExtendedFields {
		fields = append(fields, fmt.Sprintf("%s=%v (extended)", k, v))
	}
	slices.Sort(fields)
	fmt.Fprintf(w, "  mobile %s; profiles %s; fields %s\n", mobile, strings.Join(sources, ", "), strings.Join(fields, ", "))
	fmt.Fprintln(w, cs.Gray("  Try it yourself: `ciamctl sandbox` serves the same emulators until Ctrl-C."))
	return nil
}
