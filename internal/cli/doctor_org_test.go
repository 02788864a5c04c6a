package cli_test

import (
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// check returns one line of a doctor report.
func (r doctorReport) check(t *testing.T, name string) (status, detail string) {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c.Status, c.Detail
		}
	}
	t.Fatalf("no %s check in %+v", name, r.Checks)
	return "", ""
}

func (p *platform) doctor(env map[string]string, args ...string) doctorReport {
	p.t.Helper()
	_, rep := runDoctor(p.t, clitest.Opts{Env: env}, append(args, "--dir", p.dir)...)
	return rep
}

// doctor's org line: the access token's org against the brand's orgId.
func TestDoctorChecksTheCredentialsOrg(t *testing.T) {
	t.Run("same org", func(t *testing.T) {
		p := newPlatform(t)
		p.link()
		if st, d := p.doctor(p.env).check(t, "org"); st != "ok" || d != "the credentials act for org 50123" {
			t.Errorf("%s: %s", st, d)
		}
	})
	t.Run("parent org's credentials", func(t *testing.T) {
		p := newPlatform(t)
		p.withIntouch(intouchemu.Options{CredentialsOrgID: "100", CredentialsOrgIsParent: true})
		p.link()
		rep := p.doctor(p.env)
		if st, d := rep.check(t, "org"); st != "ok" || !strings.Contains(d, "org 100, a parent of org 50123") || !strings.Contains(d, "X-CAP-API-AUTH-ORG-ID") {
			t.Errorf("%s: %s", st, d)
		}
		if st, _ := rep.check(t, "channel"); st != "ok" {
			t.Errorf("channel %s", st)
		}
	})
	t.Run("another org's credentials", func(t *testing.T) {
		p := newPlatform(t)
		p.withIntouch(intouchemu.Options{CredentialsOrgID: "777"})
		rep := p.doctor(p.env)
		if st, d := rep.check(t, "org"); st != "failed" || !strings.Contains(d, "act for org 777, not org 50123") {
			t.Errorf("%s: %s", st, d)
		}
		if st, d := rep.check(t, "intouch"); st != "failed" || !strings.Contains(d, "the credentials act for org 777 and the command is for org 50123") {
			t.Errorf("intouch %s: %s", st, d)
		}
	})
	t.Run("basic credentials", func(t *testing.T) {
		p := newPlatform(t)
		p.link()
		env := map[string]string{}
		for k, v := range p.env {
			env[k] = v
		}
		delete(env, "CIAMCTL_INTOUCH_CLIENT_KEY")
		delete(env, "CIAMCTL_INTOUCH_CLIENT_SECRET")
		env["CIAMCTL_INTOUCH_USERNAME"], env["CIAMCTL_INTOUCH_PASSWORD"] = p.emu.Options().Username, p.emu.Options().Password
		if st, d := p.doctor(env).check(t, "org"); st != "warning" || !strings.Contains(d, "Basic credentials carry no org") {
			t.Errorf("%s: %s", st, d)
		}
	})
	t.Run("the environment's org is not the brand's", func(t *testing.T) {
		p := newPlatform(t)
		p.withIntouch(intouchemu.Options{OrgID: "60000"})
		rep := p.doctor(p.env)
		for _, c := range rep.Checks {
			if c.Name == "org" && (c.Status != "warning" || !strings.Contains(strings.Join(c.Problems, " "), "names org 60000, not the brand's orgId 50123")) {
				t.Errorf("%+v", c)
			}
		}
	})
}

// The account the brand file records is gone from the org: the channel line fails and says what that means.
func TestDoctorRecordedAccountGone(t *testing.T) {
	p := newPlatform(t)
	p.writeBrand("acme", acmeBrandTemplate+"channel:\n  source: OAUTH_EXTERNAL\n  accountId: acme-deleted\n")
	st, d := p.doctor(p.env).check(t, "channel")
	if st != "failed" || !strings.Contains(d, `org 50123 has no OAUTH_EXTERNAL account "acme-deleted" any more`) {
		t.Errorf("%s: %s", st, d)
	}
}

// A brand whose orgId is a child of the credentials' org: channel link and flow login reach it through
// X-CAP-API-AUTH-ORG-ID; credentials of an unrelated org get an error naming both orgs (exit 3).
func TestPlatformCallsForAChildOrg(t *testing.T) {
	p := newPlatform(t)
	p.withIntouch(intouchemu.Options{CredentialsOrgID: "100", CredentialsOrgIsParent: true})
	p.link()
	expectCode(t, p.run("flow", "login", "--brand", "acme", p.token("alice"), "--apply"), 0)
	if _, ok := p.emu.FindCustomer("OAUTH_EXTERNAL", "ciamctl-acme", "cuid", p.sub("alice")); !ok {
		t.Fatal("customer not created in the child org")
	}

	q := newPlatform(t)
	q.withIntouch(intouchemu.Options{CredentialsOrgID: "777"})
	res := q.run("channel", "link", "--brand", "acme")
	expectCode(t, res, 3)
	if !strings.Contains(res.Stderr, "the credentials act for org 777 and the command is for org 50123") || !strings.Contains(res.Stderr, "X-CAP-API-AUTH-ORG-ID") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
}
