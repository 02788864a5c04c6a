package intouchemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is the emulator. Use Handler with httptest, or Start/Close for a real listener.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu        sync.Mutex
	sources   []Source
	customers []*Customer
	tokens    map[string]time.Time // access token → expiry
	issued    []string
	nextID    int64
	nextSrcID int64
	reqSeq    int64
	counts    map[string]int
	faults    []faultRule
	latency   time.Duration
	rate      map[string]rateWindow // API key → calls in the current minute

	done     chan struct{}
	doneOnce sync.Once
	httpSrv  *http.Server
	url      string
}

// New builds an emulator with seeded state.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{
		opts:      opts,
		mux:       http.NewServeMux(),
		tokens:    map[string]time.Time{},
		counts:    map[string]int{},
		rate:      map[string]rateWindow{},
		nextID:    1000,
		nextSrcID: 2400,
		done:      make(chan struct{}),
	}
	for _, src := range opts.Sources {
		s.addSourceLocked(src)
	}
	s.routes()
	return s
}

// Route names, used for counters and fault patterns.
const (
	RouteToken            = "POST /v3/oauth/token/generate"
	RouteListSources      = "GET /v2/org/{orgId}/sources"
	RouteGetSource        = "GET /v2/org/{orgId}/sources/{uuid}"
	RouteCreateSource     = "POST /v2/org/{orgId}/sources"
	RouteAddCustomer      = "POST /v2/customers"
	RouteLookup           = "GET /v2/customers/lookup"
	RouteGetCustomer      = "GET /v2/customers/{id}"
	RouteUpdateCustomer   = "PUT /v2/customers/{id}"
	RouteChangeIdentifier = "POST /v2/customers/{id}/changeIdentifier"
)

func (s *Server) routes() {
	s.handle(RouteToken, false, s.tokenGenerate)
	s.handle(RouteListSources, true, s.listSources)
	s.handle(RouteGetSource, true, s.getSource)
	s.handle(RouteCreateSource, true, s.createSource)
	s.handle(RouteAddCustomer, true, s.addCustomer)
	s.handle(RouteLookup, true, s.lookup)
	s.handle(RouteGetCustomer, true, s.getCustomer)
	s.handle(RouteUpdateCustomer, true, s.updateCustomer)
	s.handle(RouteChangeIdentifier, true, s.changeIdentifier)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.begin(w, "other")
		writeErr(w, http.StatusNotFound, CodeNoRoute, "no such API: "+r.Method+" "+r.URL.Path)
	})
}

// Handler serves the API.
func (s *Server) Handler() http.Handler { return s.mux }

// Start listens on addr (e.g. "127.0.0.1:0") and returns the base URL.
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("intouchemu: listening on %s: %w", addr, err)
	}
	s.httpSrv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String()
	go func() { _ = s.httpSrv.Serve(ln) }()
	return s.url, nil
}

// URL is the base URL after Start ("" before).
func (s *Server) URL() string { return s.url }

// Close releases hanging requests and stops the listener started by Start.
func (s *Server) Close() error {
	s.doneOnce.Do(func() { close(s.done) })
	if s.httpSrv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.httpSrv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return s.httpSrv.Close()
	}
	return nil
}

// begin counts the request and stamps the request id.
func (s *Server) begin(w http.ResponseWriter, route string) {
	s.mu.Lock()
	s.reqSeq++
	id := fmt.Sprintf("emu-%06d", s.reqSeq)
	s.counts[route]++
	s.mu.Unlock()
	w.Header().Set("X-Cap-Requestid", id)
	// The emulator's clock, not the host's: clients read the platform's minute from it.
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
}

func (s *Server) handle(route string, auth bool, h http.HandlerFunc) {
	s.mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
		s.begin(w, route)
		if !s.wait(r.Context(), s.getLatency()) {
			return
		}
		if f, ok := s.takeFault(route, r); ok {
			s.applyFault(w, r, f, auth, h)
			return
		}
		if auth && (!s.authorized(w, r) || s.rateLimited(w, r) || !s.actsOnThisOrg(w, r, route)) {
			return
		}
		h(w, r)
	})
}

// wait sleeps d unless the client goes away or the emulator closes; false means stop.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// Count is the number of requests a route received (faulted and unauthorised ones included).
func (s *Server) Count(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[route]
}

// Counts is a copy of all counters.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ResetCounts zeroes the counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"errors": []item{{Status: false, Code: code, Message: msg}}, "warnings": []item{}})
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %v", err)
	}
	return nil
}
