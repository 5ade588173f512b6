// Package backoff is the retry timing every qcli API client shares: full
// jitter exponential backoff, and the wait a server asks for.
package backoff

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Jitter is the wait before retry number attempt (1 for the first retry):
// a random duration up to base*2^(attempt-1), capped at limit.
func Jitter(attempt int, base, limit time.Duration) time.Duration {
	ceiling := base << min(max(attempt-1, 0), 30)
	if ceiling <= 0 || ceiling > limit {
		ceiling = limit
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// ServerWait reads how long a throttled response asks the client to wait:
// Retry-After (seconds or an HTTP date), else X-RateLimit-Reset (a Unix
// time, or seconds from now when small).
func ServerWait(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			const unixTimeFloor = 1_000_000_000 // anything smaller is a delta in seconds
			if n < unixTimeFloor {
				return time.Duration(n) * time.Second, true
			}
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

// Wait is the delay before retry number attempt: what the server asked for
// in h (capped at limit), else Jitter.
func Wait(attempt int, h http.Header, base, limit time.Duration) time.Duration {
	if d, ok := ServerWait(h, time.Now()); ok {
		return min(d, limit)
	}
	return Jitter(attempt, base, limit)
}

// Sleep waits d or until ctx ends, returning ctx's error in that case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
