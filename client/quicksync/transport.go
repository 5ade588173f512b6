package quicksync

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/httpdebug"
)

// newHTTPClient mirrors the QStorage client's transport (client/transport.go):
// a pool sized for parallel parts, bounded dials, and a per-I/O deadline so
// a stalled connection fails within ReadTimeout while a slow but moving
// part upload of any length goes on. --debug traces go through httpdebug,
// which redacts Authorization and never traces bodies (the join password
// and the token travel in bodies).
func newHTTPClient(cfg Config) *http.Client {
	if cfg.HTTPClient != nil {
		return cfg.HTTPClient
	}
	dialer := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &deadlineConn{Conn: conn, timeout: cfg.ReadTimeout}, nil
		},
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			RootCAs:            cfg.RootCAs,
			InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // only on the user's explicit --no-verify-ssl
		},
		TLSHandshakeTimeout:   cfg.ConnectTimeout,
		ResponseHeaderTimeout: cfg.ReadTimeout,
		MaxIdleConns:          cfg.MaxConnsPerHost * 2,
		MaxIdleConnsPerHost:   cfg.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
	}
	var rt http.RoundTripper = tr
	if cfg.Debug != nil {
		rt = &httpdebug.Transport{Base: tr, Out: cfg.Debug}
	}
	// Redirects are not followed: one could carry the bearer token to
	// another host (net/http drops it only across domains).
	return &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// deadlineConn moves the deadline forward before every read and write; a
// write moves the read deadline too, since net/http keeps a read pending
// while it sends a body the server answers only at the end.
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
