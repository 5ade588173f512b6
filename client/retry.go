package client

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// newRetryer is the SDK's standard retry policy with three changes:
//   - HTTP 429 and the InternalError code are retried too (the SDK retries
//     429 only when the code is a known throttle code);
//   - the wait honours Retry-After and X-RateLimit-Reset, capped at
//     RetryMaxBackoff;
//   - no client-wide retry quota: the SDK's token bucket runs dry when many
//     parallel part uploads fail at once and then stops retrying any of them.
func newRetryer(cfg Config) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = cfg.MaxAttempts
		o.MaxBackoff = cfg.RetryMaxBackoff
		o.RateLimiter = ratelimit.None
		o.Backoff = &backoff{base: cfg.RetryBaseDelay, max: cfg.RetryMaxBackoff, now: time.Now}
		o.Retryables = append(o.Retryables,
			retry.RetryableHTTPStatusCode{Codes: map[int]struct{}{http.StatusTooManyRequests: {}}},
			retry.RetryableErrorCode{Codes: map[string]struct{}{string(ErrInternalError): {}, string(ErrSlowDown): {}}},
		)
	})
}

// backoff waits what the server asked for, else full-jitter exponential
// backoff: a random wait up to base*2^(attempt-1), capped at max.
type backoff struct {
	base, max time.Duration
	now       func() time.Time
}

func (b *backoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if d, ok := serverDelay(err, b.now()); ok {
		return min(d, b.max), nil
	}
	ceiling := b.base << min(attempt-1, 30)
	if ceiling <= 0 || ceiling > b.max {
		ceiling = b.max
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1)), nil
}

// serverDelay reads Retry-After (seconds or an HTTP date) or
// X-RateLimit-Reset (a Unix time, or seconds from now when small) from the
// failed response.
func serverDelay(err error, now time.Time) (time.Duration, bool) {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0, false
	}
	h := re.Response.Header
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
