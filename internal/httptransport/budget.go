package httptransport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// A call is one API operation, all its attempts included. Its attempts
// share one budget of stalled time: an attempt that fails because nothing
// moved (the dial or TLS handshake timed out, or ReadTimeout passed without
// a byte either way) spends what it waited, up to the larger of the two
// timeouts; an attempt that moves bytes, however slowly, spends nothing.
// An attempt is refused when one more stall could take the call past its
// budget, so that against a black-holed endpoint every call ends within
// CallTimeout plus the waits between attempts.

type callKey struct{}

// call is the budget one call's attempts share.
type call struct {
	mu       sync.Mutex
	stalled  time.Duration // spent by stalled attempts so far
	attempts int
	last     error // the last stall
}

// WithCall marks ctx as the context of one call: every request sent with
// it (or a context derived from it) shares one stall budget. The retry
// loops of the API clients call it once per call, before the first
// attempt; requests sent without it are each a call of their own.
func WithCall(ctx context.Context) context.Context {
	return context.WithValue(ctx, callKey{}, &call{})
}

// StallError is a call given up because its attempts stalled for its whole
// budget: the endpoint accepts connections, or not even that, and never
// answers.
type StallError struct {
	Stalled  time.Duration // stalled time, over all attempts
	Budget   time.Duration // Options.CallTimeout
	Attempts int           // attempts that stalled
	Last     error         // the last attempt's error
}

// Error says how long the attempts stalled, and the last one's error.
func (e *StallError) Error() string {
	return fmt.Sprintf("no answer: %d attempts stalled for %s in all, and another could pass the call's limit of %s (last: %v)",
		e.Attempts, e.Stalled.Round(time.Millisecond), e.Budget, e.Last)
}

// Unwrap gives the last attempt's error.
func (e *StallError) Unwrap() error { return e.Last }

// IsStallError reports whether err is, or wraps, a StallError: retrying
// is pointless, every further attempt is refused.
func IsStallError(err error) bool {
	var se *StallError
	return errors.As(err, &se)
}

// budgetTransport refuses the attempts of a call whose budget is spent and
// charges stalled attempts to it.
type budgetTransport struct {
	base        http.RoundTripper
	budget      time.Duration
	maxStall    time.Duration // what one stalled attempt can cost
	readTimeout time.Duration // what a stalled body read costs
}

func (t *budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := req.Context().Value(callKey{}).(*call)
	if c == nil {
		return t.base.RoundTrip(req)
	}
	if err := c.admit(t.budget, t.maxStall); err != nil {
		if req.Body != nil {
			req.Body.Close() // RoundTrip must close it, sent or not
		}
		return nil, err
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		if stalled(req, err) {
			c.charge(min(time.Since(start), t.maxStall), err)
		}
		return nil, err
	}
	resp.Body = &chargedBody{ReadCloser: resp.Body, req: req, c: c, cost: t.readTimeout}
	return resp, nil
}

// admit lets an attempt go unless one more stall could exceed the budget;
// the first attempt always goes.
func (c *call) admit(budget, maxStall time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.attempts > 0 && c.stalled+maxStall > budget {
		return &StallError{Stalled: c.stalled, Budget: budget, Attempts: c.attempts, Last: c.last}
	}
	return nil
}

func (c *call) charge(d time.Duration, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stalled += d
	c.attempts++
	c.last = err
}

// stalled reports an attempt that failed because nothing moved: a timeout
// of the transport's own (dial, TLS handshake, idle), not the caller's
// context ending.
func stalled(req *http.Request, err error) bool {
	var ne net.Error
	return req.Context().Err() == nil && errors.As(err, &ne) && ne.Timeout()
}

// chargedBody charges a body read that stalled to the call: a listing or
// an error document whose answer stops halfway costs like a stalled
// attempt when the call retries it.
type chargedBody struct {
	io.ReadCloser
	req  *http.Request
	c    *call
	cost time.Duration
}

func (b *chargedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && stalled(b.req, err) {
		b.c.charge(b.cost, err)
	}
	return n, err
}
