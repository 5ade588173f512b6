package console

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// retry runs attempt until it succeeds, fails for good, or MaxAttempts is
// spent. The policy is the S3 client's: full-jitter exponential backoff
// from RetryBaseDelay, capped at RetryMaxBackoff, waiting instead what
// Retry-After or X-RateLimit-Reset ask for (capped too), and no client-wide
// retry quota. What is retried depends on the route: 429 always (the
// request was not processed); 5xx and broken connections only when the
// call is idempotent, since a POST that failed late may have taken effect.
func (c *Client) retry(ctx context.Context, rt Route, attempt func() (*answer, error)) (*answer, error) {
	cfg := c.cfg.Transport
	for n := 1; ; n++ {
		ans, err := attempt()
		if n >= cfg.MaxAttempts || ctx.Err() != nil || !retryable(rt, ans, err) {
			return ans, err
		}
		wait := backoff(n, cfg.RetryBaseDelay, cfg.RetryMaxBackoff)
		if ans != nil {
			if d, ok := serverDelay(ans.header, time.Now()); ok {
				wait = min(d, cfg.RetryMaxBackoff)
			}
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func retryable(rt Route, ans *answer, err error) bool {
	switch {
	case err != nil:
		return rt.Idempotent
	case ans.status == http.StatusTooManyRequests:
		return true
	case ans.status == http.StatusInternalServerError, ans.status == http.StatusBadGateway,
		ans.status == http.StatusServiceUnavailable, ans.status == http.StatusGatewayTimeout:
		return rt.Idempotent
	}
	return false
}

// backoff is a random wait up to base*2^(attempt-1), capped at limit.
func backoff(attempt int, base, limit time.Duration) time.Duration {
	ceiling := base << min(attempt-1, 30)
	if ceiling <= 0 || ceiling > limit {
		ceiling = limit
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// serverDelay reads Retry-After (seconds or an HTTP date) or
// X-RateLimit-Reset (a Unix time, or seconds from now when small).
func serverDelay(h http.Header, now time.Time) (time.Duration, bool) {
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

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
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
