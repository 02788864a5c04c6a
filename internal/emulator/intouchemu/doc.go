// Package intouchemu emulates the loyalty platform's (Intouch) REST API as its published reference shows it
// (and /shared/INTOUCH.md where the two differ): in-memory source accounts and customers, real OAuth/Basic
// checks, the documented codes and warnings, cross-source merges, an X-Cap-Requestid on every answer, and,
// by option, the org's registration rules (mandatory fields), a per-minute rate limit and source types the
// API may not create; plus fault injection and per-route request counters for tests.
//
// It shares no code with package intouch on purpose, so a wrong path or JSON tag in the client fails tests,
// and internal/intouch's contract tests hold its answers to the reference-shaped bodies in testdata/intouch.
package intouchemu
