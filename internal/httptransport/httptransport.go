// Package httptransport builds the one kind of HTTP client every qcli API
// client uses (S3, the console, QuickSync): a connection pool sized for
// parallel transfers, bounded dials and handshakes, redirects confined to
// the original host, the --debug trace, and two limits that tell a dead
// endpoint from a slow one:
//
//   - ReadTimeout is an idle timeout: an attempt fails when no byte has
//     moved, in either direction, for that long (sending the request,
//     waiting for the answer, reading it). A transfer on a slow link that
//     keeps moving is never cut, however long it takes.
//   - CallTimeout bounds the time one call spends stalled, added up over
//     all its attempts (see WithCall): against a black-holed endpoint,
//     where every attempt stalls, the call gives up within it instead of
//     after max_attempts times the idle timeout.
package httptransport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/httpdebug"
)

// Options are the transport settings; callers fill every field (the API
// clients apply their own defaults first).
type Options struct {
	ConnectTimeout     time.Duration // dial and TLS handshake, per attempt
	ReadTimeout        time.Duration // idle: no byte moving either way for this long fails an attempt
	CallTimeout        time.Duration // stalled time of one call, over all its attempts (0: no limit)
	RootCAs            *x509.CertPool
	InsecureSkipVerify bool
	MaxConnsPerHost    int
	Debug              io.Writer // nil: no trace
}

// New returns an HTTP client with opts. net/http keeps only 2 idle
// connections per host by default; parallel parts need MaxConnsPerHost.
func New(opts Options) *http.Client {
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &deadlineConn{Conn: conn, timeout: opts.ReadTimeout}, nil
		},
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			RootCAs:            opts.RootCAs,
			InsecureSkipVerify: opts.InsecureSkipVerify, //nolint:gosec // only on the user's explicit --no-verify-ssl
		},
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.ReadTimeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          opts.MaxConnsPerHost * 2,
		MaxIdleConnsPerHost:   opts.MaxConnsPerHost,
		IdleConnTimeout:       idleTimeout(opts.ReadTimeout),
	}
	var rt http.RoundTripper = plainBodies{tr}
	if opts.Debug != nil {
		rt = &httpdebug.Transport{Base: rt, Out: opts.Debug}
	}
	if opts.CallTimeout > 0 {
		rt = &budgetTransport{base: rt, budget: opts.CallTimeout,
			maxStall: max(opts.ConnectTimeout, opts.ReadTimeout), readTimeout: opts.ReadTimeout}
	}
	return &http.Client{Transport: rt, CheckRedirect: SameHostRedirect}
}

// idleTimeout retires a pooled connection before the read deadline its
// idle read inherits can fire: a connection dying of that deadline just as
// a request takes it (after a Retry-After as long as the read timeout, say)
// fails the request and costs it one of its attempts.
func idleTimeout(readTimeout time.Duration) time.Duration {
	if readTimeout <= 0 {
		return 90 * time.Second
	}
	return min(90*time.Second, readTimeout/2)
}

// SameHostRedirect follows redirects on the original host only. net/http
// drops Authorization across domains but forwards X-API-Key and other
// custom headers anywhere; a redirect elsewhere is returned as the answer.
func SameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 || req.URL.Host != via[0].URL.Host {
		return http.ErrUseLastResponse
	}
	return nil
}

// deadlineConn moves the connection's deadline forward before every read and
// write, so "no progress for timeout" fails the call while a slow but moving
// transfer of any length goes on. A write moves the read deadline too:
// net/http keeps a read pending while it sends a request body, and a long
// upload must not be cut because the server has nothing to say until the end.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// plainBodies hides a request body's WriteTo from net/http. The AWS SDK
// (smithy-go) wraps every request body in a reader whose WriteTo returns
// io.EOF, as an error, once the SDK has closed it, and the SDK closes it as
// soon as the response headers are in. net/http, after sending
// Content-Length bytes, reads the body once more through WriteTo to check
// for extra bytes; when its writer goroutine gets there only after the
// server has answered, it takes that io.EOF for a failed write and closes
// the connection under the response being read: decoding a 200 answer
// fails with "use of closed network connection" and the SDK sends the
// request again although the server processed it (a DeleteObjects twice).
// Read returns io.EOF the way io.Copy expects, so nothing else changes.
type plainBodies struct{ base http.RoundTripper }

func (t plainBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, ok := req.Body.(io.WriterTo); !ok || req.Body == http.NoBody {
		return t.base.RoundTrip(req)
	}
	r := *req // a RoundTripper must not modify the caller's request
	r.Body = readCloser{req.Body}
	if get := req.GetBody; get != nil {
		r.GetBody = func() (io.ReadCloser, error) {
			b, err := get()
			if b != nil && b != http.NoBody {
				b = readCloser{b}
			}
			return b, err
		}
	}
	return t.base.RoundTrip(&r)
}

// readCloser has only Read and Close.
type readCloser struct{ io.ReadCloser }

// NeverSent reports whether err is a failed dial: the request never left,
// so the service cannot have acted on it, whatever the call.
func NeverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
