package cli_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
)

// hostRecorder is an HTTP client that answers nothing: it records the host each request was for and fails it,
// so a test sees where a command would have gone without any network.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hosts = append(h.hosts, r.URL.Scheme+"://"+r.URL.Host)
	return nil, errors.New("test: no network")
}

func (h *hostRecorder) Hosts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.hosts...)
}

// The brand's cluster picks the platform host when neither --intouch-url/--cluster nor CIAMCTL_INTOUCH_URL
// names one; the flag and the variable win over it.
func TestBrandClusterChoosesThePlatformHost(t *testing.T) {
	p := newPlatform(t)
	p.writeBrand("acme", strings.Replace(acmeBrandTemplate, "orgId: 50123\n", "orgId: 50123\ncluster: eu\n", 1))
	noURL := map[string]string{}
	for k, v := range p.env {
		if k != "CIAMCTL_INTOUCH_URL" {
			noURL[k] = v
		}
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"brand cluster", noURL, nil, "https://eu.api.capillarytech.com"},
		{"--cluster wins", noURL, []string{"--cluster", "us"}, "https://us.api.capillarytech.com"},
		{"--intouch-url wins", noURL, []string{"--intouch-url", "https://intouch.example"}, "https://intouch.example"},
		{"CIAMCTL_INTOUCH_URL wins", map[string]string{"CIAMCTL_INTOUCH_URL": "china", "CIAMCTL_INTOUCH_CLIENT_KEY": "k", "CIAMCTL_INTOUCH_CLIENT_SECRET": "s"}, nil, "https://api.capillarytech.cn.com"},
	} {
		for _, cmd := range [][]string{{"channel", "list"}, {"doctor"}, {"customer", "lookup", "--cuid", "u-1", "--account-id", "acme-ciam"}} {
			t.Run(c.name+"/"+cmd[0], func(t *testing.T) {
				rec := &hostRecorder{}
				args := append(append(append([]string{}, cmd...), "--brand", "acme", "--dir", p.dir), c.args...)
				res := clitest.Run(t, clitest.Opts{Env: c.env, HTTPClient: func() *http.Client { return &http.Client{Transport: rec} }}, args...)
				if res.Code == 0 {
					t.Fatalf("succeeded without network:\n%s", res.Stdout)
				}
				var platform []string
				for _, h := range rec.Hosts() {
					if !strings.Contains(p.iss, strings.TrimPrefix(h, "http://")) { // the CIAM's requests (doctor) aside
						platform = append(platform, h)
					}
				}
				if len(platform) == 0 || platform[0] != c.want {
					t.Errorf("platform requests went to %v, want %s\n%s%s", platform, c.want, res.Stdout, res.Stderr)
				}
			})
		}
	}
}

// brand add --cluster records a preset; an unknown one is a usage error that suggests the closest.
func TestBrandAddCluster(t *testing.T) {
	dir := t.TempDir()
	base := []string{"brand", "add", "--no-input", "--name", "acme", "--application-id", "app", "--client-id", "c",
		"--jwks-uri", "https://id.acme.example/jwks", "--userinfo-endpoint", "https://id.acme.example/userinfo", "--map", "email=email", "--dir", dir}
	bad := clitest.Run(t, clitest.Opts{}, append(base, "--cluster", "europe")...)
	if bad.Code != 2 || !strings.Contains(bad.Stderr, `--cluster: "europe" is not a cluster preset; did you mean "eu"?`) {
		t.Errorf("exit %d: %s", bad.Code, bad.Stderr)
	}
	ok := clitest.Run(t, clitest.Opts{}, append(base, "--cluster", "india", "--dry-run")...)
	if ok.Code != 0 || !strings.Contains(ok.Stdout, "\ncluster: india\n") {
		t.Errorf("exit %d:\n%s%s", ok.Code, ok.Stdout, ok.Stderr)
	}
}

// Without any platform host, the error says where one can come from, the brand's cluster included.
func TestNoPlatformHostSaysWhereOneComesFrom(t *testing.T) {
	p := newPlatform(t)
	env := map[string]string{}
	for k, v := range p.env {
		if k != "CIAMCTL_INTOUCH_URL" {
			env[k] = v
		}
	}
	res := p.runEnv(env, "channel", "list", "--brand", "acme")
	expectCode(t, res, 2)
	if !strings.Contains(res.Stderr, "no Intouch base URL") || !strings.Contains(res.Stderr, "cluster: apac|apac2|china|eu|india|us") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
}
