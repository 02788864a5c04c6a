package cli_test

// Network faults (issue 6, item 2): every remote the CLI talks to — a JWKS
// (`token verify --jwks`, `jwks inspect`), a discovery document (`brand add
// --discover`, `config validate --online`) and the Intouch API (`channel
// list`, `channel link`) — is put behind a loopback server that misbehaves
// in one way. Each failure must end with exit 3 and one `error:` line naming
// the URL and the cause (at most one `hint:` line more), within --timeout
// plus the retry budget, and must write nothing partial; bursts of 5xx and
// 429 that clear must succeed. Only loopback servers are used, and timings
// are only checked against a generous bound that catches hangs.

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciamctl/ciamctl/internal/cli/clitest"
	"github.com/ciamctl/ciamctl/internal/emulator/intouchemu"
)

// faultTimeout is the --timeout of runs against servers that never finish
// answering; faultBound only catches a run that hangs (never a timing
// assertion: the retry budget and a loaded machine both fit well inside).
const (
	faultTimeout = "300ms"
	faultBound   = 20 * time.Second
)

// faultHost is a name that does not resolve (see withFakeDNS).
const faultHost = "ciamctl-fault.invalid"

// ---- misbehaving servers ----

// refusedURL is an http URL on a loopback port nobody listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// rawServer accepts TCP connections and hands each to serve, which may hold
// it as long as it likes: every connection is closed when the test ends.
func rawServer(t *testing.T, serve func(net.Conn, <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				go func() { <-done; c.Close() }()
				serve(c, done)
			})
		}
	})
	t.Cleanup(func() { close(done); ln.Close(); wg.Wait() })
	return "http://" + ln.Addr().String()
}

// silentServer accepts connections and never answers (nor reads).
func silentServer(t *testing.T) string {
	return rawServer(t, func(_ net.Conn, done <-chan struct{}) { <-done })
}

// trickleHeadersServer reads the request, then sends its status line one
// byte every 20ms: every read succeeds, the answer never completes in time.
func trickleHeadersServer(t *testing.T) string {
	return rawServer(t, func(c net.Conn, done <-chan struct{}) {
		_, _ = http.ReadRequest(bufio.NewReader(c))
		for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + strings.Repeat("x", 4000)) {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
		}
	})
}

// dropServer reads each request and closes the connection without a word.
func dropServer(t *testing.T) string {
	return rawServer(t, func(c net.Conn, _ <-chan struct{}) {
		_, _ = http.ReadRequest(bufio.NewReader(c))
	})
}

// trickleBody answers 200 with a long Content-Length and then one byte of
// the body every 10ms.
func trickleBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "100000")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	for range 100000 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		fl.Flush()
	}
}

// bigBody is a 5 MiB document: five times the 1 MiB cap.
func bigBody(chunked bool) http.HandlerFunc {
	const size = 5 << 20
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !chunked {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			if chunked {
				w.(http.Flusher).Flush()
			}
		}
	}
}

// step is one scripted answer: a status, and a Retry-After header when set.
type step struct {
	status     int
	retryAfter string
}

// scripted serves the steps in order (one per request), then body with 200
// for ever after. It counts requests.
type scripted struct {
	mu    sync.Mutex
	steps []step
	body  func(r *http.Request) []byte
	hits  atomic.Int32
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	var st *step
	if len(s.steps) > 0 {
		st = &s.steps[0]
		s.steps = s.steps[1:]
	}
	s.mu.Unlock()
	if st != nil {
		if st.retryAfter != "" {
			w.Header().Set("Retry-After", st.retryAfter)
		}
		http.Error(w, "upstream trouble: internal detail", st.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.body(r))
}

// ---- a deterministic DNS failure ----

// withFakeDNS makes every DNS query of this process (for the rest of the
// test) go to a loopback DNS server that answers NXDOMAIN, so faultHost
// fails through Go's real resolver and the HTTP transport's real DNS error
// path (*net.DNSError, IsNotFound), without touching the network.
//
// Why not just rely on *.invalid: RFC 6761 says resolvers should answer
// NXDOMAIN for it, and on the machine this suite was written on they do in
// about a millisecond — but by asking the configured, non-loopback
// nameserver. Elsewhere that query may leave the machine, wait for a
// resolver that is down (the Go resolver's 5s timeout × attempts, which
// would turn the expected "no such host" into "timed out"), or hit a
// resolver that rewrites NXDOMAIN. Pointing the resolver at our own loopback
// server keeps the test hermetic, fast and deterministic. Names in
// /etc/hosts (localhost) still resolve from the file first.
//
// The swap is safe because fault tests do not call t.Parallel: parallel
// tests only start after every sequential test has returned, and Cleanup
// restores the resolver before this test returns.
func withFakeDNS(t *testing.T) *atomic.Int32 {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var queries atomic.Int32
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := nxdomain(buf[:n]); resp != nil {
				queries.Add(1)
				_, _ = pc.WriteTo(resp, addr)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	old := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
	t.Cleanup(func() { net.DefaultResolver = old; pc.Close() })
	return &queries
}

// nxdomain answers a DNS query (RFC 1035 §4.1) with its own question and
// RCODE 3, name error; nil for what is not a query.
func nxdomain(q []byte) []byte {
	if len(q) < 12 || q[2]&0x80 != 0 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil
	}
	i := 12
	for i < len(q) && q[i] != 0 {
		i += int(q[i]) + 1
	}
	i += 1 + 4 // the root label, QTYPE, QCLASS
	if i > len(q) {
		return nil
	}
	r := append([]byte(nil), q[:i]...)
	r[2] = 0x80 | q[2]&0x79 // QR, the query's opcode and RD
	r[3] = 0x80 | 3         // RA, NXDOMAIN
	binary.BigEndian.PutUint16(r[6:], 0)
	binary.BigEndian.PutUint16(r[8:], 0)
	binary.BigEndian.PutUint16(r[10:], 0)
	return r
}

// ---- expectations ----

// runFault runs ciamctl and fails the test if it takes longer than
// faultBound.
func runFault(t *testing.T, o clitest.Opts, args ...string) clitest.Result {
	t.Helper()
	start := time.Now()
	res := clitest.Run(t, o, args...)
	if took := time.Since(start); took > faultBound {
		t.Errorf("%s took %s: a fault must end within --timeout plus the retry budget", strings.Join(args[:2], " "), took)
	}
	return res
}

// expectRemoteFailure checks exit 3 and stderr: exactly one `error:` line
// naming url and containing one of causes, then at most one `hint:` line,
// and nothing from the server's body.
func expectRemoteFailure(t *testing.T, res clitest.Result, url string, causes ...string) {
	t.Helper()
	if res.Code != 3 {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	t.Logf("%s", res.Stderr)
	lines := strings.Split(strings.TrimSuffix(res.Stderr, "\n"), "\n")
	if len(lines) == 0 || len(lines) > 2 || !strings.HasPrefix(lines[0], "error: ") ||
		(len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ")) {
		t.Fatalf("stderr is not one error line and at most one hint line:\n%s", res.Stderr)
	}
	if !strings.Contains(lines[0], url) {
		t.Errorf("the error does not name %s:\n%s", url, lines[0])
	}
	found := false
	for _, c := range causes {
		found = found || strings.Contains(lines[0], c)
	}
	if !found {
		t.Errorf("the error does not say %q:\n%s", causes, lines[0])
	}
	if strings.Contains(res.Stderr, "internal detail") || strings.Contains(res.Stdout, "internal detail") {
		t.Errorf("the server's error body is echoed:\n%s", res.Stderr)
	}
}

// expectEmptyDir checks that a failed run left no file (not even a
// temporary one) in dir, which may not exist.
func expectEmptyDir(t *testing.T, dir, what string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("a failed %s left files behind: %v", what, names)
	}
}

// ---- the cases ----

// failure is one way a server can fail and what the error must say.
type failure struct {
	name   string
	base   func(t *testing.T) string // the server's base URL
	causes []string
	// timeout replaces faultTimeout for servers that answer at once but
	// must be asked several times: the retries need room on a slow (or
	// race-instrumented) machine.
	timeout string
}

func (f failure) timeoutFlag() string {
	if f.timeout != "" {
		return f.timeout
	}
	return faultTimeout
}

// transportFailures are the faults that do not depend on what is served.
func transportFailures() []failure {
	return []failure{
		{name: "connection refused", base: refusedURL, causes: []string{"connection refused"}},
		{name: "DNS failure", base: func(t *testing.T) string {
			queries := withFakeDNS(t)
			t.Cleanup(func() {
				if queries.Load() == 0 {
					t.Error("no DNS query reached the loopback DNS server")
				}
			})
			return "https://" + faultHost
		},
			causes: []string{"DNS: no such host " + faultHost}},
		{name: "never answers", base: silentServer, causes: []string{"timed out"}},
		{name: "trickled headers", base: trickleHeadersServer, causes: []string{"timed out"}},
		{name: "dropped connection", base: dropServer,
			causes: []string{"connection closed before a complete answer after "}},
	}
}

// documentFailures are faults of a server serving a document at any path.
func documentFailures() []failure {
	serve := func(h http.HandlerFunc) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			return srv.URL
		}
	}
	return []failure{
		{name: "untrusted TLS certificate", base: func(t *testing.T) string {
			srv := httptest.NewUnstartedServer(http.NotFoundHandler())
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
			srv.StartTLS()
			t.Cleanup(srv.Close)
			return srv.URL
		}, causes: []string{"TLS: certificate signed by unknown authority"}},
		{name: "trickled body", base: serve(trickleBody), causes: []string{"timed out"}},
		{name: "5 MiB with length", base: serve(bigBody(false)), causes: []string{"response too large (5242880 bytes, limit 1 MiB)"}},
		{name: "5 MiB chunked", base: serve(bigBody(true)), causes: []string{"response too large (over 1 MiB)"}},
		{name: "redirect loop", base: serve(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}), causes: []string{"redirect loop refused"}},
		{name: "endless redirects", base: serve(func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			http.Redirect(w, r, fmt.Sprintf("%s?n=%d", r.URL.Path, n+1), http.StatusFound)
		}), causes: []string{"too many redirects"}},
		{name: "cross-host redirect", base: func(t *testing.T) string {
			evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Errorf("the other host was contacted: %s", r.URL)
			}))
			t.Cleanup(evil.Close)
			return serve(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, evil.URL+r.URL.Path, http.StatusFound)
			})(t)
		}, causes: []string{"redirect to another origin", "refused"}},
		{name: "persistent 503", base: serve(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal detail", http.StatusServiceUnavailable)
		}), causes: []string{"HTTP 503 Service Unavailable after "}, timeout: "10s"},
		{name: "429 asking for a long wait", base: serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "internal detail", http.StatusTooManyRequests)
		}), causes: []string{"HTTP 429 Too Many Requests (the server asks to retry after 2m0s)"}},
		{name: "404", base: serve(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal detail", http.StatusNotFound)
		}), causes: []string{"HTTP 404 Not Found"}},
	}
}

func allFailures() []failure { return append(transportFailures(), documentFailures()...) }

// TestFaultJWKS: `token verify --jwks URL` and `jwks inspect URL` against
// every fault: exit 3, one line naming the URL and cause, nothing cached.
func TestFaultJWKS(t *testing.T) {
	tok := tkSign(t, "main", nil)
	for _, f := range allFailures() {
		t.Run(f.name, func(t *testing.T) {
			url := f.base(t) + "/jwks"
			for _, args := range [][]string{
				{"token", "verify", "--jwks", url, "--issuer", tkIssuer, "--audience", tkAudience, tok},
				{"jwks", "inspect", url},
			} {
				cache := filepath.Join(t.TempDir(), "cache")
				res := runFault(t, clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": cache}},
					append(args, "--timeout", f.timeoutFlag())...)
				expectRemoteFailure(t, res, "jwks "+url+": ", f.causes...)
				expectEmptyDir(t, cache, args[0]+" "+args[1])
			}
		})
	}
}

// TestFaultDiscovery: `brand add --discover` against every fault: exit 3,
// one line naming the document's URL and the cause, no brand file.
func TestFaultDiscovery(t *testing.T) {
	for _, f := range allFailures() {
		t.Run(f.name, func(t *testing.T) {
			issuer := f.base(t)
			dir := t.TempDir()
			res := runFault(t, clitest.Opts{}, "brand", "add", "--no-input", "--dir", dir, "--name", "acme",
				"--application-id", "app", "--client-id", "acme-loyalty", "--map", "email=email",
				"--discover", issuer, "--timeout", f.timeoutFlag())
			expectRemoteFailure(t, res, "discovery "+issuer+"/.well-known/openid-configuration: ", f.causes...)
			expectEmptyDir(t, dir, "brand add --discover")
		})
	}
}

// TestFaultOnlineValidate: `config validate --online` against a CIAM that
// never answers ends within the timeout with exit 3 and the brand reported
// unreachable, its file untouched.
func TestFaultOnlineValidate(t *testing.T) {
	for _, f := range transportFailures() {
		if f.name != "connection refused" && f.name != "never answers" {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeOnlineBrand(t, dir, "acme", f.base(t))
			before, _ := os.ReadFile(path)
			cache := filepath.Join(t.TempDir(), "cache")
			res := runFault(t, clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": cache}},
				"config", "validate", "--online", "--dir", dir, "-o", "json", "--timeout", faultTimeout)
			if res.Code != 3 {
				t.Fatalf("exit %d, want 3\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			var rep struct {
				Unreachable []string `json:"unreachable"`
				Problems    []struct{ Field, Message string }
			}
			if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Unreachable) != 1 || len(rep.Problems) != 3 {
				t.Errorf("report %+v", rep)
			}
			for _, p := range rep.Problems {
				if strings.Contains(p.Message, "\n") || !strings.Contains(p.Message, f.causes[0]) {
					t.Errorf("%s: %q", p.Field, p.Message)
				}
			}
			after, _ := os.ReadFile(path)
			if string(after) != string(before) {
				t.Error("config validate changed the brand file")
			}
			expectEmptyDir(t, cache, "config validate --online")
		})
	}
}

// jwksDoc serves the test key set; discoveryDoc a discovery document for
// the server it is served from.
func jwksDoc(t *testing.T) func(*http.Request) []byte {
	pub := tkKey(t, "main").pub
	return func(*http.Request) []byte { return pub }
}

func discoveryDoc(r *http.Request) []byte {
	base := "http://" + r.Host
	b, _ := json.Marshal(map[string]any{"issuer": base, "jwks_uri": base + "/jwks", "userinfo_endpoint": base + "/userinfo"})
	return b
}

// bursts are failures that clear: each must end in success after retries.
// Only one waits for a real Retry-After of 1s (the unit tests check longer
// ones with a fake clock); "0" still takes the Retry-After path.
var bursts = []struct {
	name  string
	steps []step
}{
	{"500 then 503", []step{{status: 500}, {status: 503}}},
	{"three 503", []step{{status: 503}, {status: 503}, {status: 503}}},
	{"429 without Retry-After", []step{{status: 429}}},
	{"429 with Retry-After 0", []step{{status: 429, retryAfter: "0"}}},
	{"502 and 504", []step{{status: 502}, {status: 504}}},
}

// TestFaultBurstsThenSuccessJWKS: 5xx and 429 bursts that clear within the
// retry budget end in a verified token (or an inspected set) and a cached
// set. The commands take turns: both load through the same fetcher.
func TestFaultBurstsThenSuccessJWKS(t *testing.T) {
	tok := tkSign(t, "main", nil)
	cases := append(bursts[:len(bursts):len(bursts)], struct {
		name  string
		steps []step
	}{"429 with Retry-After 1", []step{{status: 429, retryAfter: "1"}}})
	for i, b := range cases {
		t.Run(b.name, func(t *testing.T) {
			args := []string{"jwks", "inspect"}
			if i%2 == 0 {
				args = []string{"token", "verify", "--issuer", tkIssuer, "--audience", tkAudience, tok, "--jwks"}
			}
			s := &scripted{steps: append([]step(nil), b.steps...), body: jwksDoc(t)}
			srv := httptest.NewServer(s)
			defer srv.Close()
			cache := t.TempDir()
			start := time.Now()
			res := runFault(t, clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": cache}}, append(args, srv.URL+"/jwks")...)
			if res.Code != 0 || res.Stderr != "" {
				t.Fatalf("%s: exit %d\n%s%s", args[0], res.Code, res.Stdout, res.Stderr)
			}
			if n, want := int(s.hits.Load()), len(b.steps)+1; n != want {
				t.Errorf("%d requests, want %d", n, want)
			}
			if entries, _ := os.ReadDir(cache); len(entries) != 2 {
				t.Errorf("cache holds %d files, want the set and its metadata", len(entries))
			}
			if b.steps[0].retryAfter == "1" && time.Since(start) < time.Second {
				t.Errorf("retried after %s; Retry-After asked for 1s", time.Since(start))
			}
		})
	}
}

// TestFaultBurstsThenSuccessDiscovery: the same for discovery.
func TestFaultBurstsThenSuccessDiscovery(t *testing.T) {
	for _, b := range bursts {
		t.Run(b.name, func(t *testing.T) {
			s := &scripted{steps: append([]step(nil), b.steps...), body: discoveryDoc}
			srv := httptest.NewServer(s)
			defer srv.Close()
			dir := t.TempDir()
			res := runFault(t, clitest.Opts{}, "brand", "add", "--no-input", "--dir", dir, "--name", "acme",
				"--application-id", "app", "--client-id", "acme-loyalty", "--map", "email=email", "--discover", srv.URL)
			if res.Code != 0 {
				t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			if n, want := int(s.hits.Load()), len(b.steps)+1; n != want {
				t.Errorf("%d requests, want %d", n, want)
			}
			data, err := os.ReadFile(filepath.Join(dir, "acme.yaml"))
			if err != nil || !strings.Contains(string(data), "jwksUri: "+srv.URL+"/jwks") {
				t.Errorf("brand file: %v\n%s", err, data)
			}
		})
	}
}

// ---- Intouch ----

// intouchEnv is the platform's environment with the base URL replaced.
func intouchEnv(p *platform, base string) map[string]string {
	env := map[string]string{}
	for k, v := range p.env {
		env[k] = v
	}
	env["CIAMCTL_INTOUCH_URL"] = base
	return env
}

// TestFaultIntouch: `channel list` and `channel link` against every
// transport fault and an answer no retry clears: exit 3, one error line
// naming the URL and cause (at most one hint), and `channel link` leaves the
// brand file byte-identical. A persistent 5xx and a connection dropped every
// time take the client's full backoff (seconds): the intouch unit tests
// cover them with a fake clock.
func TestFaultIntouch(t *testing.T) {
	var fails []failure
	for _, f := range transportFailures() {
		if f.name != "dropped connection" {
			fails = append(fails, f)
		}
	}
	for _, f := range documentFailures() {
		switch f.name {
		case "untrusted TLS certificate", "trickled body":
			fails = append(fails, f)
		case "429 asking for a long wait":
			f.causes = []string{"HTTP 429: Too Many Requests"}
			fails = append(fails, f)
		}
	}
	p := newPlatform(t)
	before := p.brandFile("acme")
	for _, f := range fails {
		t.Run(f.name, func(t *testing.T) {
			base := f.base(t)
			env := intouchEnv(p, base)
			for _, args := range [][]string{{"channel", "list"}, {"channel", "link", "--brand", "acme"}} {
				res := runFault(t, clitest.Opts{Env: env}, append(args, "--dir", p.dir, "--timeout", faultTimeout)...)
				expectRemoteFailure(t, res, base+"/", f.causes...)
				if p.brandFile("acme") != before {
					t.Fatalf("%s changed the brand file", strings.Join(args, " "))
				}
				expectOnlyBrandFiles(t, p.dir)
			}
		})
	}
}

// expectOnlyBrandFiles checks the workspace holds brand files and the lock
// file, and no temporary file a write left behind.
func expectOnlyBrandFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ".ciamctl.lock" && !strings.HasSuffix(e.Name(), ".yaml") {
			t.Errorf("the workspace holds %s", e.Name())
		}
	}
}

// TestFaultIntouchBursts: bursts of 429/5xx (and a dropped connection)
// from the platform are retried to success; `channel link` then creates the
// account once and records it.
func TestFaultIntouchBursts(t *testing.T) {
	cases := []struct {
		name   string
		route  string
		faults []intouchemu.Fault
		drops  int // connections dropped before any answer
		// waits: a 429 without Retry-After is waited out to the platform's next minute, which the injected
		// sleep does at once, under a --timeout that leaves room for it.
		waits bool
	}{
		{name: "list 503 then 500", route: intouchemu.RouteListSources, faults: []intouchemu.Fault{{Status: 503}, {Status: 500}}},
		{name: "list 429 without Retry-After", route: intouchemu.RouteListSources, faults: []intouchemu.Fault{{Status: 429}}, waits: true},
		{name: "create 521 then 429 with Retry-After 0", route: intouchemu.RouteCreateSource,
			faults: []intouchemu.Fault{{Status: 521}, {Status: 429, RetryAfter: "0"}}},
		{name: "token 503", route: intouchemu.RouteToken, faults: []intouchemu.Fault{{Status: 503}}},
		{name: "token connection dropped", drops: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPlatform(t)
			sources := len(p.emu.Sources())
			before := p.brandFile("acme")
			env := p.env
			if c.drops > 0 {
				env = intouchEnv(p, dropFirst(t, c.drops, p.env["CIAMCTL_INTOUCH_URL"]))
			} else {
				p.emu.InjectFaults(c.route, c.faults...)
			}
			opts, args := clitest.Opts{Env: env}, []string{"channel", "link", "--brand", "acme", "--dir", p.dir, "-o", "json"}
			waited := &fakeTime{}
			if c.waits {
				opts.Sleep = waited.Sleep
				args = append(args, "--timeout", "90s")
			}
			res := runFault(t, opts, args...)
			if res.Code != 0 || res.Stderr != "" {
				t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			if got := waited.Slept(); c.waits && (len(got) != 1 || got[0] <= 0 || got[0] > 61*time.Second) {
				t.Errorf("waited %v, want one wait for the next minute", got)
			}
			after := p.brandFile("acme")
			if !strings.Contains(res.Stdout, `"created": true`) || !strings.HasPrefix(after, before) || !strings.Contains(after, "source: OAUTH_EXTERNAL") {
				t.Errorf("not linked:\n%s\n%s", res.Stdout, after)
			}
			if n := len(p.emu.Sources()); n != sources+1 {
				t.Errorf("%d channel accounts, want %d", n, sources+1)
			}
			want := 1
			if c.route == intouchemu.RouteCreateSource {
				want += len(c.faults)
			}
			if n := p.emu.Count(intouchemu.RouteCreateSource); n != want {
				t.Errorf("%d create calls, want %d", n, want)
			}
		})
	}
}

// dropFirst is a proxy to base that closes the first n connections without
// an answer.
func dropFirst(t *testing.T, n int, base string) string {
	var seen atomic.Int32
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(seen.Add(1)) <= n {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFaultIntouchCreateFailsAfterApply: a POST whose answer is a 500 after
// the platform applied it is not repeated, the user is told to check, and
// the brand file is unchanged; running link again finds the account.
func TestFaultIntouchCreateFailsAfterApply(t *testing.T) {
	p := newPlatform(t)
	before := p.brandFile("acme")
	p.emu.InjectFaults("POST /v2/org/{orgId}/sources", intouchemu.Fault{Status: 500, AfterApply: true})
	res := runFault(t, clitest.Opts{Env: p.env}, "channel", "link", "--brand", "acme", "--dir", p.dir)
	expectRemoteFailure(t, res, "POST "+p.env["CIAMCTL_INTOUCH_URL"]+"/v2/org/50123/sources: HTTP 500", "HTTP 500")
	if !strings.Contains(res.Stderr, "\nhint: the platform may have applied the request") {
		t.Errorf("no hint to check before repeating:\n%s", res.Stderr)
	}
	if p.brandFile("acme") != before {
		t.Fatal("a failed link changed the brand file")
	}
	if n := p.emu.Count(intouchemu.RouteCreateSource); n != 1 {
		t.Errorf("the create was sent %d times, want once", n)
	}
	again := runFault(t, clitest.Opts{Env: p.env}, "channel", "link", "--brand", "acme", "--dir", p.dir, "-o", "json")
	if again.Code != 0 || !strings.Contains(again.Stdout, `"created": false`) {
		t.Errorf("second link: exit %d\n%s%s", again.Code, again.Stdout, again.Stderr)
	}
}

// TestFaultOnlineValidateBursts: `config validate --online` rides out a
// burst of 503 and 429 on each of discovery, JWKS and userinfo.
func TestFaultOnlineValidateBursts(t *testing.T) {
	pub := tkKey(t, "main").pub
	var mu sync.Mutex
	left := map[string][]int{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		burst, seen := left[r.URL.Path]
		if !seen {
			burst = []int{503, 429}
		}
		var status int
		if len(burst) > 0 {
			status, burst = burst[0], burst[1:]
		}
		left[r.URL.Path] = burst
		mu.Unlock()
		if status != 0 {
			http.Error(w, "internal detail", status)
			return
		}
		issuer := srv.URL + "/t/acme"
		switch strings.TrimPrefix(r.URL.Path, "/t/acme") {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuer, "jwks_uri": issuer + "/jwks", "userinfo_endpoint": issuer + "/userinfo"})
		case "/jwks":
			_, _ = w.Write(pub)
		case "/userinfo":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	writeOnlineBrand(t, dir, "acme", srv.URL)
	res := runFault(t, clitest.Opts{Env: map[string]string{"CIAMCTL_CACHE_DIR": t.TempDir()}}, "config", "validate", "--online", "--dir", dir)
	if res.Code != 0 {
		t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(left) != 3 {
		t.Errorf("requested paths %v, want discovery, JWKS and userinfo", left)
	}
}
