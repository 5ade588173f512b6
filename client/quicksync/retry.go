package quicksync

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
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
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return idempotent || isDialError(err)
}

// isDialError reports a connection that was never made, so the request
// was never sent.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff is the wait before attempt+1: what the server asked for, capped at
// max, else full-jitter exponential backoff, a random wait up to
// base*2^(attempt-1), capped at max.
func backoff(attempt int, serverWait time.Duration, base, maxWait time.Duration) time.Duration {
	if serverWait > 0 {
		return min(serverWait, maxWait)
	}
	ceiling := base << min(attempt-1, 30)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// retryAfter reads Retry-After, in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
