package brand

import (
	"strings"
	"testing"
)

const commented = `# Acme's gateway configuration. Reviewed by the platform team.
apiVersion: ciamctl/v1
kind: BrandConfig
brand: acme                     # the file name matches

orgId: 50123
ciam:
    applicationId: 6a1f0c2e     # from the CIAM
    clientId: acme-loyalty
    userinfoEndpoint: https://id.acme.example/userinfo
    jwksUri: https://id.acme.example/.well-known/jwks.json
    algorithms: [RS256, ES256]

# platform field <- claim
mappings:
    email: /contact/email       # a JSON Pointer
`

func TestSetChannelAppendsAndKeepsTheRest(t *testing.T) {
	ch := Channel{Source: SourceOAuthExternal, AccountID: "ciamctl-acme", AccountName: "Acme CIAM: main"}
	out, err := SetChannel([]byte(commented), ch)
	if err != nil {
		t.Fatal(err)
	}
	want := commented + "channel:\n    source: OAUTH_EXTERNAL\n    accountId: ciamctl-acme\n    accountName: 'Acme CIAM: main'\n"
	if string(out) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	again, err := SetChannel(out, ch)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(out) {
		t.Errorf("second SetChannel changed the file:\n%s", again)
	}
	if res := CheckFile("acme.yaml", out); HasErrors(res.Problems) {
		t.Errorf("result is invalid: %v", res.Problems)
	}
}

func TestSetChannelEditsOnlyChangedLines(t *testing.T) {
	in := commented + `channel:                        # recorded by channel link
    source: OAUTH_EXTERNAL
    accountId: old-id               # keep this comment where it is
`
	out, err := SetChannel([]byte(in), Channel{Source: SourceOAuthExternal, AccountID: "12345", AccountName: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	want := commented + `channel:                        # recorded by channel link
    source: OAUTH_EXTERNAL
    accountId: "12345"               # keep this comment where it is
    accountName: Acme
`
	if string(out) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	cfg, _, _ := Decode(out)
	if cfg.Channel.AccountID != "12345" {
		t.Errorf("accountId read back as %q", cfg.Channel.AccountID)
	}
	// An empty name leaves the recorded one alone.
	same, err := SetChannel(out, Channel{Source: SourceOAuthExternal, AccountID: "12345"})
	if err != nil || string(same) != string(out) {
		t.Errorf("no-op edit changed the file (err %v):\n%s", err, same)
	}
}

func TestSetChannelCRLF(t *testing.T) {
	in := strings.ReplaceAll("apiVersion: ciamctl/v1\nbrand: acme\nchannel:\n  source: OAUTH_EXTERNAL\n  accountId: a\n", "\n", "\r\n")
	out, err := SetChannel([]byte(in), Channel{Source: SourceOAuthExternal, AccountID: "b", AccountName: "B"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll("apiVersion: ciamctl/v1\nbrand: acme\nchannel:\n  source: OAUTH_EXTERNAL\n  accountId: b\n  accountName: B\n", "\n", "\r\n")
	if string(out) != want {
		t.Fatalf("got %q\nwant %q", out, want)
	}
}

func TestSetChannelReencodesUnusualLayouts(t *testing.T) {
	for name, in := range map[string]string{
		"flow":      "# head\nbrand: acme # name\nchannel: {source: OAUTH_EXTERNAL, accountId: a}\n",
		"null":      "# head\nbrand: acme # name\nchannel:\n",
		"multiline": "# head\nbrand: acme # name\nchannel:\n  source: OAUTH_EXTERNAL\n  accountId: \"a\n    b\"\n",
		"flow root": "{brand: acme}\n",
	} {
		t.Run(name, func(t *testing.T) {
			ch := Channel{Source: SourceOAuthExternal, AccountID: "x y", AccountName: "N"}
			out, err := SetChannel([]byte(in), ch)
			if err != nil {
				t.Fatal(err)
			}
			cfg, _, problems := Decode(out)
			if HasErrors(problems) || cfg.Channel == nil || *cfg.Channel != ch || cfg.Brand != "acme" {
				t.Fatalf("read back %+v %v from:\n%s", cfg.Channel, problems, out)
			}
			if strings.HasPrefix(in, "#") && (!strings.Contains(string(out), "# head") || !strings.Contains(string(out), "# name")) {
				t.Errorf("comments lost:\n%s", out)
			}
		})
	}
}

func TestSetChannelRejectsNonMappings(t *testing.T) {
	for _, in := range []string{"", "- a\n- b\n", "brand: [\n"} {
		if _, err := SetChannel([]byte(in), Channel{Source: SourceOAuthExternal, AccountID: "a"}); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
