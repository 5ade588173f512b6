package console

import (
	"context"
	"net/http"

	"github.com/quilibrium/qcli/internal/backoff"
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
		var h http.Header
		if ans != nil {
			h = ans.header
		}
		if err := backoff.Sleep(ctx, backoff.Wait(n, h, cfg.RetryBaseDelay, cfg.RetryMaxBackoff)); err != nil {
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
