package intouch

import (
	"net/http"
	"time"
)

const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 8 * time.Second
	// A Retry-After longer than this means "come back much later": give up rather than block a CLI.
	maxRetryAfter = 60 * time.Second
)

// shouldRetry decides whether a response that failed may be sent again.
//
// Why these and no others: 429, body code 517 (rate limit) and 461 (search busy) are rejections made
// before the request is processed, so repeating even a POST cannot apply it twice. 521 is the platform's
// documented refusal of concurrent actions on the same customer (a lock not taken, nothing written) and 503
// comes from the gateway/load balancer when no backend took the request. Any other 5xx (500, 502, 504) may be
// reported after the write committed, so only idempotent calls (GETs, token minting) are repeated then; a POST
// or PUT surfaces the error and the caller checks (lookup) before trying again.
func shouldRetry(ep Endpoint, status int, apiErr *APIError) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, 521, 461:
		return true
	}
	if apiErr != nil && (apiErr.HasCode(CodeRateLimited) || apiErr.HasCode(CodeSearchBusy)) {
		return true
	}
	return status >= 500 && ep.Idempotent
}

// mayHaveApplied reports a failed write that the platform may have committed anyway: a 5xx other than the
// gateway's 503 and the lock refusal 521 (see shouldRetry).
func mayHaveApplied(ep Endpoint, status int) bool {
	return !ep.Idempotent && status >= 500 && status != http.StatusServiceUnavailable && status != 521
}
