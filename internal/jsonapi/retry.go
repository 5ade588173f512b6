package jsonapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/backoff"
	"github.com/quilibrium/qcli/internal/httptransport"
)

// Policy is how often and how patiently a call is sent again. The rules
// are the QStorage client's (client/retry.go): full-jitter exponential
// backoff, or the wait the answer asks for, and no client-wide retry quota.
type Policy struct {
	MaxAttempts int           // tries per call, the first included
	BaseDelay   time.Duration // the first retry's mean wait; it doubles per retry
	MaxBackoff  time.Duration // caps every wait, Retry-After's included
	// Sleep waits between tries; nil is backoff.Sleep. Tests record the
	// waits instead.
	Sleep func(context.Context, time.Duration) error
}

// Attempt is how one try of a call ended.
type Attempt struct {
	Status int         // the answer's HTTP status; 0 when no answer was read
	Header http.Header // the answer's headers: Retry-After, X-RateLimit-Reset
	// Broken: the connection failed or broke, or a success could not be
	// read, so the call may or may not have been processed.
	Broken bool
	// NotSent: the connection was never made, so the call surely was not
	// processed.
	NotSent bool
	// Unread: the request left but its answer was not read (the
	// connection broke, stalled or was cancelled, or a success could not
	// be parsed), so the call may have taken effect unseen.
	Unread bool
	Err    error // nil: success; else what the caller is told if it is the last try
}

// NoAnswer is the Attempt of a request that got no usable answer: err is
// the network error, reported what the caller is told. A call whose
// attempts stalled for its whole budget (httptransport.StallError) is not
// tried again: every further attempt would be refused.
func NoAnswer(err, reported error) Attempt {
	if httptransport.IsStallError(err) {
		return Attempt{Unread: true, Err: reported}
	}
	notSent := httptransport.NeverSent(err)
	return Attempt{Broken: true, NotSent: notSent, Unread: !notSent, Err: reported}
}

// Retryable says whether a call may be sent again after a failed attempt:
//   - after 429 always: the service says it did not process the call;
//   - after 500, 502, 503 or 504, or a broken connection, only when the
//     call is idempotent: a call that failed late may have taken effect;
//   - after a failed dial always: the request never left;
//   - after any other status never: the service would answer it again.
func Retryable(a Attempt, idempotent bool) bool {
	switch a.Status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	case 0:
		return a.NotSent || (a.Broken && idempotent)
	}
	return false
}

// Run tries until try succeeds, fails for good (see Retryable), MaxAttempts
// tries are spent, or ctx ends; it returns the last try's error, or ctx's
// prefixed with op. Between tries it waits what the answer asked for
// (capped at MaxBackoff), else full-jitter backoff from BaseDelay.
func (p Policy) Run(ctx context.Context, op string, idempotent bool, try func() Attempt) error {
	sleep := p.Sleep
	if sleep == nil {
		sleep = backoff.Sleep
	}
	for n := 1; ; n++ {
		a := try()
		if a.Err == nil {
			return nil
		}
		// Ask ctx, not a.Err: net/http's read timeouts match
		// context.DeadlineExceeded too, and they are network failures.
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
		if n >= p.MaxAttempts || !Retryable(a, idempotent) {
			return a.Err
		}
		if err := sleep(ctx, backoff.Wait(n, a.Header, p.BaseDelay, p.MaxBackoff)); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
}
