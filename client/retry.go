package client

import (
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/backoff"
	"github.com/quilibrium/qcli/internal/httptransport"
)

// newRetryer is the SDK's standard retry policy with three changes:
//   - HTTP 429 and the InternalError code are retried too (the SDK retries
//     429 only when the code is a known throttle code);
//   - the wait honours Retry-After and X-RateLimit-Reset, capped at
//     RetryMaxBackoff;
//   - no client-wide retry quota: the SDK's token bucket runs dry when many
//     parallel part uploads fail at once and then stops retrying any of them;
//   - an answer whose body broke off or came up short is retried, as a
//     broken connection is (see retryBrokenAnswer);
//   - nothing is retried once the call's stall budget is spent
//     (httptransport.StallError, Config.CallTimeout).
func newRetryer(cfg Config) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = cfg.MaxAttempts
		o.MaxBackoff = cfg.RetryMaxBackoff
		o.RateLimiter = ratelimit.None
		o.Backoff = &retryDelay{base: cfg.RetryBaseDelay, max: cfg.RetryMaxBackoff, now: time.Now}
		o.Retryables = append(o.Retryables,
			retry.RetryableHTTPStatusCode{Codes: map[int]struct{}{http.StatusTooManyRequests: {}}},
			retry.RetryableErrorCode{Codes: map[string]struct{}{string(ErrInternalError): {}, string(ErrSlowDown): {}}},
			retry.IsErrorRetryableFunc(retryBrokenAnswer),
		)
		// A call whose stall budget is spent refuses every further attempt.
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if httptransport.IsStallError(err) {
				return aws.FalseTernary
			}
			return aws.UnknownTernary
		})}, o.Retryables...)
	})
}

// retryDelay waits what the server asked for, else full-jitter exponential
// backoff (see internal/backoff).
type retryDelay struct {
	base, max time.Duration
	now       func() time.Time
}

func (b *retryDelay) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if d, ok := serverDelay(err, b.now()); ok {
		return min(d, b.max), nil
	}
	return backoff.Jitter(attempt, b.base, b.max), nil
}

// serverDelay reads the wait a failed response asked for.
func serverDelay(err error, now time.Time) (time.Duration, bool) {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0, false
	}
	return backoff.ServerWait(re.Response.Header, now)
}

// retryBrokenAnswer retries a success (2xx) whose body could not be read
// to the end or parsed: a connection reset or read timeout mid-body, or a
// Content-Length that does not match the body, leaves the SDK an error it
// treats as final although nothing about the request was wrong.
func retryBrokenAnswer(err error) aws.Ternary {
	if brokenAnswer(err) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// brokenAnswer reports an SDK error about a 2xx response that could not be
// read or parsed. An error document sent with 200 (S3 does that for
// CopyObject and CompleteMultipartUpload) is an API error, not a broken
// answer, and is judged by its code.
func brokenAnswer(err error) bool {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil || re.HTTPStatusCode() < 200 || re.HTTPStatusCode() > 299 {
		return false
	}
	if errors.Is(err, errAnswerTooLarge) {
		return false // whole, but too large to read: asking again gets the same
	}
	var api smithy.APIError
	return !errors.As(err, &api)
}
