package quicksync

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/backoff"
)

// retryable says whether a call may be sent again after a failure.
//
// Idempotent calls (every call but Initiate) are retried after 429, 5xx and
// broken connections. Initiate creates an upload each time it is processed,
// so it is retried only when the request surely was not processed: after
// 429 or a failed dial. The policy matches the QStorage client's (429 and
// Retry-After included), see client/retry.go.
func retryable(idempotent bool, status int, err error) bool {
	switch {
	case status == http.StatusTooManyRequests:
		return true
	case status >= 500:
		return idempotent && status != http.StatusNotImplemented
	case status != 0:
		return false
	}
	// Callers stop first when their context has ended. net/http's read
	// timeouts match context.DeadlineExceeded, yet are worth a retry.
	return idempotent || isDialError(err)
}

// isDialError reports a connection that was never made, so the request
// was never sent.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryDelay is the wait before retry number attempt: what the server
// asked for, capped at limit, else full-jitter exponential backoff.
func retryDelay(attempt int, serverWait, base, limit time.Duration) time.Duration {
	if serverWait > 0 {
		return min(serverWait, limit)
	}
	return backoff.Jitter(attempt, base, limit)
}

// retryAfter is the wait a response asks for (Retry-After or
// X-RateLimit-Reset), or 0.
func retryAfter(h http.Header, now time.Time) time.Duration {
	d, _ := backoff.ServerWait(h, now)
	return d
}
