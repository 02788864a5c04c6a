// Package intouchemu emulates the loyalty platform's (Intouch) REST API as /shared/INTOUCH.md describes it:
// in-memory source accounts and customers, real OAuth/Basic checks, the documented error codes, an
// X-Cap-Requestid on every answer, fault injection and per-route request counters for tests.
// It shares no code with package intouch on purpose, so a wrong path or JSON tag in the client fails tests.
package intouchemu
