package intouchemu

import (
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Fault replaces one answer of a matching request.
type Fault struct {
	Status     int           // HTTP status to answer (e.g. 429, 503, 500)
	Code       int           // body error code; default: 517 for 429, else the status
	Message    string        // body error message; default: the status text
	RetryAfter string        // Retry-After header value, when set
	Delay      time.Duration // wait this long first
	Hang       bool          // never answer: block until the client gives up or the emulator closes
	// AfterApply processes the request normally first and then answers with the fault, as when a
	// response is lost after the write committed (tests "do not retry a POST after a 500").
	AfterApply bool
}

type faultRule struct {
	method, pattern string
	fault           Fault
}

// InjectFaults queues faults for requests matching pattern, consumed one per matching request, in order.
// pattern is "[METHOD ]PATH" where PATH is a route template ("/v2/customers/{id}") or a path.Match glob
// against the request path ("/v2/customers/*"); without METHOD any method matches.
func (s *Server) InjectFaults(pattern string, faults ...Fault) {
	method, p := "", strings.TrimSpace(pattern)
	if m, rest, ok := strings.Cut(p, " "); ok && !strings.HasPrefix(m, "/") {
		method, p = strings.ToUpper(m), strings.TrimSpace(rest)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		s.faults = append(s.faults, faultRule{method: method, pattern: p, fault: f})
	}
}

// ClearFaults drops all queued faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// SetLatency delays every answer by d (0 turns it off).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

func (s *Server) getLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

func (s *Server) takeFault(route string, r *http.Request) (Fault, bool) {
	_, tmpl, _ := strings.Cut(route, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fr := range s.faults {
		if fr.method != "" && fr.method != r.Method {
			continue
		}
		ok := fr.pattern == tmpl || fr.pattern == r.URL.Path
		if !ok {
			ok, _ = path.Match(fr.pattern, r.URL.Path)
		}
		if ok {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return fr.fault, true
		}
	}
	return Fault{}, false
}

// applyFault answers with the fault, or not at all for a hang.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, auth bool, h http.HandlerFunc) {
	if f.Hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return
	}
	if !s.wait(r.Context(), f.Delay) {
		return
	}
	if f.AfterApply {
		var discard discardWriter
		if !auth || s.authorized(&discard, r) {
			h(&discard, r)
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	code := f.Code
	if code == 0 {
		code = status
		if status == http.StatusTooManyRequests {
			code = CodeRateLimited
		}
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(status)
		if msg == "" {
			msg = "status " + strconv.Itoa(status)
		}
	}
	writeErr(w, status, code, msg)
}

// discardWriter lets a handler apply its change while its answer is
// dropped: the fault is what the client gets.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header {
	if d.header == nil {
		d.header = http.Header{}
	}
	return d.header
}

func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }

func (d *discardWriter) WriteHeader(int) {}
