package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

func TestAddrs(t *testing.T) {
	for in, want := range map[string][2]string{
		"127.0.0.1:0":    {"127.0.0.1:0", "127.0.0.1:0"},
		"127.0.0.1:8080": {"127.0.0.1:8080", "127.0.0.1:8081"},
		"localhost:9000": {"localhost:9000", "localhost:9001"},
		"[::1]:7000":     {"[::1]:7000", "[::1]:7001"},
	} {
		c, i, err := addrs(in)
		if err != nil || c != want[0] || i != want[1] {
			t.Errorf("%s: %s %s %v, want %v", in, c, i, err, want)
		}
	}
	for _, in := range []string{"0.0.0.0:0", "10.0.0.1:80", "example.com:80", "127.0.0.1", "127.0.0.1:65535", "127.0.0.1:x"} {
		if _, _, err := addrs(in); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}

// Both emulators answer on loopback, and Env points at the Intouch one.
func TestStart(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	res, err := http.Get(sb.DiscoveryURL())
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("discovery: %v %v", res, err)
	}
	res.Body.Close()
	env := strings.Join(sb.Env(false), "\n")
	if !strings.Contains(env, "CIAMCTL_INTOUCH_URL="+sb.IntouchURL) || !strings.HasPrefix(sb.IntouchURL, "http://127.0.0.1:") {
		t.Errorf("env %q for %s", env, sb.IntouchURL)
	}
}
