package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
	"github.com/ciamctl/ciamctl/internal/profile"
	"github.com/ciamctl/ciamctl/internal/profile/profiletest"
)

// authEnv is a workspace (brand acme, orgId 50123), platform A (org 50123,
// the defaults of newPlatform), platform B (org 777, other credentials and
// accounts), a config directory and a fake keychain, with no platform
// credentials in the environment.
type authEnv struct {
	p            *platform
	aURL, bURL   string
	cfgDir       string
	kc           *profiletest.Keychain
	env          map[string]string
	aKey, aSecet string
}

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	p := newPlatform(t)
	b := intouchemu.New(intouchemu.Options{OrgID: "777", ClientKey: "b-key", ClientSecret: "b-secret-Value-42",
		Sources: []intouchemu.Source{{ID: 9001, UUID: "0123456789abcdef0123456789abcdef", Name: "B Store", SourceAccountIdentifier: "b-only", SourceTypeName: "INSTORE", IsActive: true}}})
	bURL, err := b.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	a := &authEnv{p: p, aURL: p.env["CIAMCTL_INTOUCH_URL"], bURL: bURL, cfgDir: filepath.Join(t.TempDir(), "ciamctl"), kc: profiletest.NewKeychain()}
	a.aKey, a.aSecet = p.emu.Options().ClientKey, p.emu.Options().ClientSecret
	a.env = map[string]string{"CIAMCTL_CACHE_DIR": p.env["CIAMCTL_CACHE_DIR"], "CIAMCTL_CONFIG_DIR": a.cfgDir}
	return a
}

func (a *authEnv) run(o clitest.Opts, args ...string) clitest.Result {
	a.p.t.Helper()
	if o.Env == nil {
		o.Env = a.env
	}
	if o.Keychain == nil {
		o.Keychain = a.kc
	}
	return clitest.Run(a.p.t, o, append(args, "--dir", a.p.dir)...)
}

// with returns the environment plus extra variables.
func (a *authEnv) with(kv ...string) map[string]string {
	env := map[string]string{}
	for k, v := range a.env {
		env[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

func (a *authEnv) login(t *testing.T, name, url, org, key, secret string) {
	t.Helper()
	res := a.run(clitest.Opts{Stdin: strings.NewReader(secret + "\n")}, "auth", "login", "--profile", name, "--intouch-url", url, "--org-id", org, "--client-key", key, "--with-secret")
	expectCode(t, res, 0)
}

func (a *authEnv) normalize(s string) string {
	s = strings.ReplaceAll(s, a.cfgDir, "$CONFIG")
	s = strings.ReplaceAll(s, a.bURL, "$INTOUCH_B")
	return a.p.normalize(s)
}

// accounts runs `channel list -o json` and returns the account IDs listed,
// which tell the two platforms apart.
func (a *authEnv) accounts(t *testing.T, o clitest.Opts, args ...string) (clitest.Result, string) {
	t.Helper()
	res := a.run(o, append([]string{"channel", "list", "-o", "json"}, args...)...)
	if res.Code != 0 {
		return res, ""
	}
	var list []struct {
		SourceAccountIdentifier string `json:"sourceAccountIdentifier"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &list); err != nil {
		t.Fatalf("%v: %s", err, res.Stdout)
	}
	var ids []string
	for _, x := range list {
		ids = append(ids, x.SourceAccountIdentifier)
	}
	return res, strings.Join(ids, ",")
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// auth login --with-secret without a terminal and without a keychain: the
// credentials are checked (a token is minted), the secret lands in a 0600
// file with a one-line warning saying where and why, the profile in
// another, and a platform command then uses them with nothing in the
// environment.
func TestAuthLoginWithSecretWithoutKeychain(t *testing.T) {
	a := newAuthEnv(t)
	a.kc.SetUnavailable("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset")
	res := a.run(clitest.Opts{Stdin: strings.NewReader(a.aSecet + "\n")},
		"auth", "login", "--intouch-url", a.aURL, "--org-id", "50123", "--client-key", a.aKey, "--with-secret")
	expectCode(t, res, 0)
	// Named after the host and org; the emulator's port changes from run to run.
	name := profile.DefaultName("", a.aURL, "50123")
	clitest.Golden(t, "auth/login-file.txt", strings.ReplaceAll(a.normalize("stdout:\n"+res.Stdout+"stderr:\n"+res.Stderr), name, "127.0.0.1-$PORT-50123"))

	if m := fileMode(t, a.cfgDir); m != 0o700 {
		t.Errorf("config directory mode %04o", m)
	}
	for _, f := range []string{profile.ConfigFile, profile.SecretsFile} {
		if m := fileMode(t, filepath.Join(a.cfgDir, f)); m != 0o600 {
			t.Errorf("%s mode %04o", f, m)
		}
	}
	cfg, _ := os.ReadFile(filepath.Join(a.cfgDir, profile.ConfigFile))
	if strings.Contains(string(cfg), a.aSecet) {
		t.Error("profiles.yaml holds the secret")
	}
	if _, ids := a.accounts(t, clitest.Opts{}, "--brand", "acme"); ids != "instore-default" {
		t.Errorf("channel list with the profile listed %q", ids)
	}
}

// With a keychain the secret goes there, no file holds it, and nothing is
// said about files; logging in again replaces the profile.
func TestAuthLoginKeychain(t *testing.T) {
	a := newAuthEnv(t)
	a.login(t, "a", a.aURL, "50123", a.aKey, a.aSecet)
	if got := a.kc.Items()[profile.KeychainService+"\x00a"]; got != a.aSecet {
		t.Errorf("keychain holds %q", got)
	}
	if _, err := os.Stat(filepath.Join(a.cfgDir, profile.SecretsFile)); err == nil {
		t.Error("a secrets file was written")
	}
	res := a.run(clitest.Opts{Stdin: strings.NewReader(a.aSecet)}, "auth", "login", "--profile", "a", "--intouch-url", a.aURL, "--org-id", "50123", "--client-key", a.aKey, "--with-secret", "-o", "json")
	expectCode(t, res, 0)
	var out struct {
		Profile        profile.Profile `json:"profile"`
		Replaced       bool            `json:"replaced"`
		CredentialsOrg string          `json:"credentialsOrg"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.Replaced || out.CredentialsOrg != "50123" || out.Profile.SecretStore != profile.StoreKeychain || res.Stderr != "" {
		t.Errorf("second login: %+v, stderr %q", out, res.Stderr)
	}
	// --insecure-storage moves the secret to the file, out of the keychain.
	res = a.run(clitest.Opts{Stdin: strings.NewReader(a.aSecet)}, "auth", "login", "--profile", "a", "--intouch-url", a.aURL, "--org-id", "50123", "--client-key", a.aKey, "--with-secret", "--insecure-storage")
	expectCode(t, res, 0)
	if len(a.kc.Items()) != 0 || res.Stderr != "" || !strings.Contains(res.Stdout, filepath.Join(a.cfgDir, profile.SecretsFile)) {
		t.Errorf("--insecure-storage: keychain %v, stdout %q, stderr %q", a.kc.Items(), res.Stdout, res.Stderr)
	}
}

// What auth login refuses, with the exit code and a message naming the
// flag; nothing is stored by any of them.
func TestAuthLoginRefusals(t *testing.T) {
	a := newAuthEnv(t)
	cases := []struct {
		name string
		o    clitest.Opts
		args []string
		code int
		want string
	}{
		{"wrong secret", clitest.Opts{Stdin: strings.NewReader("not-the-secret")}, []string{"--intouch-url", a.aURL, "--org-id", "50123", "--client-key", a.aKey, "--with-secret"}, 3, "invalid key or secret"},
		{"no terminal, no --with-secret", clitest.Opts{}, []string{"--intouch-url", a.aURL, "--org-id", "50123", "--client-key", a.aKey}, 2, "no terminal to ask for the client secret on: pass --with-secret"},
		{"--with-secret without a key", clitest.Opts{Stdin: strings.NewReader("x")}, []string{"--intouch-url", a.aURL, "--org-id", "50123", "--with-secret"}, 2, "--with-secret needs --client-key"},
		{"--no-input on a terminal", clitest.Opts{TTY: true}, []string{"--intouch-url", a.aURL, "--org-id", "50123", "--client-key", "k", "--no-input"}, 2, "--no-input: the client secret is not asked for: pass --with-secret"},
		{"--with-secret on a terminal", clitest.Opts{TTY: true}, []string{"--intouch-url", a.aURL, "--org-id", "50123", "--client-key", "k", "--with-secret"}, 2, "which is a terminal"},
		{"empty stdin", clitest.Opts{Stdin: strings.NewReader("\n")}, []string{"--intouch-url", a.aURL, "--org-id", "50123", "--client-key", "k", "--with-secret"}, 2, "stdin is empty"},
		{"no cluster", clitest.Opts{}, []string{"--org-id", "50123"}, 2, "missing --cluster"},
		{"unknown cluster", clitest.Opts{}, []string{"--cluster", "mars", "--org-id", "1"}, 2, `--cluster: unknown cluster "mars"`},
		{"no org", clitest.Opts{}, []string{"--cluster", "eu"}, 2, "missing --org-id"},
		{"org not a number", clitest.Opts{}, []string{"--cluster", "eu", "--org-id", "acme"}, 2, "an org ID is a number"},
		{"plain http", clitest.Opts{Stdin: strings.NewReader("x")}, []string{"--intouch-url", "http://intouch.example.com", "--org-id", "1", "--client-key", "k", "--with-secret"}, 2, "--intouch-url http://intouch.example.com"},
		{"bad name", clitest.Opts{}, []string{"--profile", "a b", "--cluster", "eu", "--org-id", "1"}, 2, `profile name "a b"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.run(tc.o, append([]string{"auth", "login"}, tc.args...)...)
			if res.Code != tc.code || !strings.Contains(res.Stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", res.Code, res.Stderr, tc.code, tc.want)
			}
			if strings.Contains(res.Stdout+res.Stderr, "not-the-secret") {
				t.Error("the secret appears")
			}
			if entries, _ := os.ReadDir(a.cfgDir); len(entries) != 0 || len(a.kc.Items()) != 0 {
				t.Errorf("something was stored: %v %v", entries, a.kc.Items())
			}
		})
	}
}

// Which credentials a platform command uses: --profile whatever the
// environment holds; else the environment's; else the one profile for the
// command's host and org (the brand's orgId picks it). Platform A lists
// instore-default, platform B b-only.
func TestProfileSelectionPrecedence(t *testing.T) {
	a := newAuthEnv(t)
	a.login(t, "a", a.aURL, "50123", a.aKey, a.aSecet)
	a.login(t, "b", a.bURL, "777", "b-key", "b-secret-Value-42")
	envA := a.with("CIAMCTL_INTOUCH_URL", a.aURL, "CIAMCTL_INTOUCH_ORG_ID", "50123", "CIAMCTL_INTOUCH_CLIENT_KEY", a.aKey, "CIAMCTL_INTOUCH_CLIENT_SECRET", a.aSecet)
	a.p.writeBrand("bee", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: bee", 1), "orgId: 50123", "orgId: 777", 1))
	a.p.writeBrand("euro", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: euro", 1), "orgId: 50123", "orgId: 50123\ncluster: eu", 1))

	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string // account IDs listed, or "exit N: message"
	}{
		{"brand acme's orgId picks profile a", nil, []string{"--brand", "acme"}, "instore-default"},
		{"brand bee's orgId picks profile b", nil, []string{"--brand", "bee"}, "b-only"},
		{"--org-id picks", nil, []string{"--org-id", "777"}, "b-only"},
		{"$CIAMCTL_INTOUCH_URL picks", a.with("CIAMCTL_INTOUCH_URL", a.bURL), nil, "b-only"},
		{"environment credentials win over the brand's profile", envA, []string{"--brand", "bee", "--intouch-url", a.aURL}, "instore-default"},
		{"--profile wins over the environment (credentials, URL and org)", envA, []string{"--profile", "b"}, "b-only"},
		{"--org-id still applies with --profile", nil, []string{"--profile", "b", "--org-id", "50123"}, "exit 3: org 50123 is not a child of org 777"},
		{"--profile with nothing else", nil, []string{"--profile", "b"}, "b-only"},
		{"two profiles, nothing to choose by", nil, nil, "exit 2: profiles a, b all fit"},
		{"--profile for another host", nil, []string{"--profile", "a", "--intouch-url", a.bURL}, "exit 2: --profile a holds credentials for " + a.aURL + ", but --intouch-url names " + a.bURL},
		{"--profile replaces $CIAMCTL_INTOUCH_URL", a.with("CIAMCTL_INTOUCH_URL", a.bURL), []string{"--profile", "a"}, "instore-default"},
		{"--profile for a brand on another cluster", nil, []string{"--profile", "a", "--brand", "euro"}, "exit 2: --profile a holds credentials for " + a.aURL + ", but the brand's cluster names https://eu.api.capillarytech.com"},
		{"unknown --profile", nil, []string{"--profile", "nope"}, `exit 2: --profile: no profile "nope" (profiles: a, b)`},
		{"no profile for the org", nil, []string{"--org-id", "4242"}, "exit 2: no Intouch base URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, ids := a.accounts(t, clitest.Opts{Env: tc.env}, tc.args...)
			got := ids
			if res.Code != 0 {
				got = fmt.Sprintf("exit %d: %s", res.Code, strings.TrimPrefix(strings.SplitN(res.Stderr, "\n", 2)[0], "error: "))
			}
			code, msg, isErr := strings.Cut(strings.TrimPrefix(tc.want, "exit "), ": ")
			if !isErr {
				msg = tc.want
			}
			if !strings.Contains(got, msg) || (isErr && !strings.HasPrefix(got, "exit "+code+":")) || (!isErr && res.Code != 0) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// doctor says whose credentials it used: the brand's profile, or the
// environment's.
func TestDoctorNamesTheCredentials(t *testing.T) {
	a := newAuthEnv(t)
	a.login(t, "acme-eu", a.aURL, "50123", a.aKey, a.aSecet)
	res := a.run(clitest.Opts{}, "doctor", "--brand", "acme")
	if !strings.Contains(res.Stdout, `accepts the credentials from profile "acme-eu" for org 50123`) {
		t.Errorf("doctor with the profile:\n%s%s", res.Stdout, res.Stderr)
	}
	res = a.run(clitest.Opts{Env: a.p.env}, "doctor", "--brand", "acme")
	if !strings.Contains(res.Stdout, "accepts the credentials from the CIAMCTL_INTOUCH_* variables for org 50123") {
		t.Errorf("doctor with the environment:\n%s%s", res.Stdout, res.Stderr)
	}
	// Credentials that no longer work: the failure names the profile.
	_ = a.kc.Set(context.Background(), profile.KeychainService, "acme-eu", "revoked-secret")
	res = a.run(clitest.Opts{}, "doctor", "--brand", "acme")
	if res.Code != 1 || !strings.Contains(res.Stdout, `(credentials from profile "acme-eu")`) {
		t.Errorf("doctor with revoked credentials: exit %d\n%s", res.Code, res.Stdout)
	}
	// Any other command's error names them too.
	res = a.run(clitest.Opts{}, "channel", "list", "--brand", "acme")
	if res.Code != 3 || !strings.Contains(res.Stderr, `minting an OAuth token with the credentials of profile "acme-eu"`) || strings.Contains(res.Stderr, "revoked-secret") {
		t.Errorf("channel list with revoked credentials: exit %d %q", res.Code, res.Stderr)
	}
}

// auth status against the emulators (real HTTP): a working profile and the
// brand it serves, one whose secret was revoked, a brand with no
// credentials; exit 1 because one profile fails.
func TestAuthStatus(t *testing.T) {
	a := newAuthEnv(t)
	a.kc.SetUnavailable("none")
	a.login(t, "acme-a", a.aURL, "50123", a.aKey, a.aSecet)
	a.kc.SetUnavailable("")
	a.login(t, "b", a.bURL, "777", "b-key", "b-secret-Value-42")
	_ = a.kc.Set(context.Background(), profile.KeychainService, "b", "revoked-secret")
	a.p.writeBrand("zeta", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: zeta", 1), "orgId: 50123", "orgId: 4242\ncluster: eu", 1))

	res := a.run(clitest.Opts{}, "auth", "status")
	if res.Code != 1 {
		t.Errorf("exit %d, want 1", res.Code)
	}
	clitest.Golden(t, "auth/status.txt", a.normalize(res.Stdout+res.Stderr))

	res = a.run(clitest.Opts{}, "auth", "status", "--profile", "acme-a", "-o", "json")
	expectCode(t, res, 0)
	var st struct {
		Profiles []struct {
			Name, SecretStore, SecretFile, CredentialsOrg string
			OK                                            bool
			Brands                                        []string
		}
		Brands []struct{ Brand, Credentials, Profile string }
	}
	if err := json.Unmarshal([]byte(res.Stdout), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Profiles) != 1 || !st.Profiles[0].OK || st.Profiles[0].CredentialsOrg != "50123" || st.Profiles[0].SecretStore != "file" ||
		st.Profiles[0].SecretFile != filepath.Join(a.cfgDir, profile.SecretsFile) || strings.Join(st.Profiles[0].Brands, ",") != "acme" {
		t.Errorf("profiles: %+v", st.Profiles)
	}
	if len(st.Brands) != 2 || st.Brands[0] != (struct{ Brand, Credentials, Profile string }{"acme", "profile", "acme-a"}) || st.Brands[1].Credentials != "none" {
		t.Errorf("brands: %+v", st.Brands)
	}

	// With credentials in the environment, status says they win.
	res = a.run(clitest.Opts{Env: a.with("CIAMCTL_INTOUCH_CLIENT_KEY", "k", "CIAMCTL_INTOUCH_CLIENT_SECRET", "s")}, "auth", "status", "--profile", "acme-a")
	if !strings.HasPrefix(res.Stdout, "! CIAMCTL_INTOUCH_CLIENT_KEY and _SECRET (or _USERNAME and _PASSWORD) are set") {
		t.Errorf("status with environment credentials:\n%s", res.Stdout)
	}
	// No profiles and no environment: exit 1, as gh auth status.
	res = a.run(clitest.Opts{Env: a.with("CIAMCTL_CONFIG_DIR", t.TempDir())}, "auth", "status")
	if res.Code != 1 || !strings.Contains(res.Stdout, "No profiles in") {
		t.Errorf("status without profiles: exit %d %q", res.Code, res.Stdout)
	}
}

func TestAuthListAndLogout(t *testing.T) {
	a := newAuthEnv(t)
	a.login(t, "acme-a", a.aURL, "50123", a.aKey, a.aSecet)
	a.kc.SetUnavailable("none")
	a.login(t, "b", a.bURL, "777", "b-key", "b-secret-Value-42")
	a.kc.SetUnavailable("")

	res := a.run(clitest.Opts{}, "auth", "list")
	expectCode(t, res, 0)
	clitest.Golden(t, "auth/list.txt", a.normalize(res.Stdout+res.Stderr))

	res = a.run(clitest.Opts{}, "auth", "logout")
	if res.Code != 2 || !strings.Contains(res.Stderr, "several profiles (acme-a, b): pass --profile NAME") {
		t.Errorf("logout without --profile: exit %d %q", res.Code, res.Stderr)
	}
	// A keychain that cannot be reached: nothing is removed.
	a.kc.SetUnavailable("the keychain did not answer in time")
	res = a.run(clitest.Opts{}, "auth", "logout", "--profile", "acme-a")
	if res.Code != 3 || len(a.kc.Items()) != 1 {
		t.Errorf("logout with the keychain away: exit %d, keychain %v, %s", res.Code, a.kc.Items(), res.Stderr)
	}
	a.kc.SetUnavailable("")
	res = a.run(clitest.Opts{}, "auth", "logout", "--profile", "acme-a")
	expectCode(t, res, 0)
	if len(a.kc.Items()) != 0 || !strings.Contains(res.Stdout, `removed profile "acme-a"`) {
		t.Errorf("logout: keychain %v, %q", a.kc.Items(), res.Stdout)
	}
	// The file-kept secret goes with its profile, and the file with it.
	res = a.run(clitest.Opts{}, "auth", "logout")
	expectCode(t, res, 0)
	if entries, _ := os.ReadDir(a.cfgDir); len(entries) != 2 || entries[0].Name() != profile.LockFile || entries[1].Name() != profile.ConfigFile {
		t.Errorf("left in the config directory: %v", entries)
	}
	res = a.run(clitest.Opts{}, "auth", "list")
	if res.Code != 0 || res.Stdout != "" || !strings.Contains(res.Stderr, "No profiles") {
		t.Errorf("list after logout: %d %q %q", res.Code, res.Stdout, res.Stderr)
	}
}

// A profile whose secret was removed from the keychain by hand: a usage
// error naming the profile and how to store it again.
func TestProfileSecretMissing(t *testing.T) {
	a := newAuthEnv(t)
	a.login(t, "a", a.aURL, "50123", a.aKey, a.aSecet)
	_ = a.kc.Delete(context.Background(), profile.KeychainService, "a")
	res := a.run(clitest.Opts{}, "channel", "list", "--brand", "acme")
	if res.Code != 2 || !strings.Contains(res.Stderr, `profile "a": its secret is not in the OS keychain`) || !strings.Contains(res.Stderr, "ciamctl auth login --profile a") {
		t.Errorf("exit %d %q", res.Code, res.Stderr)
	}
}

// auth status against a platform that never answers ends within --timeout,
// the profile marked failed with the limit named.
func TestAuthStatusWithinTimeout(t *testing.T) {
	release := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(stuck.Close)
	t.Cleanup(func() { close(release) }) // runs first: the server can then close
	cfgDir := t.TempDir()
	s := &profile.Store{Dir: cfgDir, FileOnly: true}
	p := &profile.Profile{Name: "stuck", URL: stuck.URL, OrgID: "1", Auth: profile.AuthOAuth, ClientKey: "k"}
	if _, err := s.Save(context.Background(), p, "never-sent-anywhere-else"); err != nil {
		t.Fatal(err)
	}
	res := clitest.Run(t, clitest.Opts{Env: map[string]string{"CIAMCTL_CONFIG_DIR": cfgDir}}, "auth", "status", "--timeout", "300ms", "--dir", t.TempDir())
	if res.Code != 1 || !strings.Contains(res.Stdout, "✗") || !strings.Contains(res.Stdout, "--timeout 300ms") {
		t.Errorf("exit %d:\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
}

// Without credentials anywhere, the hint is the auth login command for the
// brand's cluster and org, ready to run.
func TestNoCredentialsHintNamesTheLogin(t *testing.T) {
	a := newAuthEnv(t)
	a.p.writeBrand("zeta", strings.Replace(strings.Replace(acmeBrandTemplate, "brand: acme", "brand: zeta", 1), "orgId: 50123", "orgId: 4242\ncluster: india", 1))
	res := a.run(clitest.Opts{}, "channel", "list", "--brand", "zeta")
	if res.Code != 2 || !strings.Contains(res.Stderr, "hint: run `ciamctl auth login --cluster india --org-id 4242` to store credentials") {
		t.Errorf("exit %d %q", res.Code, res.Stderr)
	}
	res = a.run(clitest.Opts{Env: a.with("CIAMCTL_INTOUCH_URL", a.bURL)}, "channel", "list")
	if res.Code != 2 || !strings.Contains(res.Stderr, "ciamctl auth login --intouch-url "+a.bURL+" --org-id N") {
		t.Errorf("exit %d %q", res.Code, res.Stderr)
	}
}
