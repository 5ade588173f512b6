package client

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/httpdebug"
)

// newHTTPClient builds the one HTTP client a Client uses: a pool sized for
// parallel transfers (net/http keeps only 2 idle connections per host by
// default, the SDK 10), bounded dials, and a read/write deadline per I/O call
// so that a stalled connection fails within ReadTimeout instead of hanging.
func newHTTPClient(cfg Config) *http.Client {
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
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          cfg.MaxConnsPerHost * 2,
		MaxIdleConnsPerHost:   cfg.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
	}
	var rt http.RoundTripper = tr
	if cfg.Debug != nil {
		rt = &httpdebug.Transport{Base: tr, Out: cfg.Debug}
	}
	return &http.Client{Transport: rt}
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
