package console

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/httpdebug"
)

// newHTTPClient builds an HTTP client with the S3 client's transport
// settings: bounded dials and handshakes, the same TLS trust, a deadline on
// every read and write so a stalled connection fails within ReadTimeout,
// and the --debug trace with X-API-Key and bearer tokens redacted.
func newHTTPClient(cfg client.Config) *http.Client {
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
		MaxIdleConnsPerHost:   cfg.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
	}
	var rt http.RoundTripper = tr
	if cfg.Debug != nil {
		rt = &httpdebug.Transport{Base: tr, Out: cfg.Debug}
	}
	return &http.Client{Transport: rt, CheckRedirect: sameHostRedirect}
}

// sameHostRedirect follows redirects on the console's own host only: net/http
// would forward X-API-Key to any host (it strips only its own sensitive
// headers), so a redirect elsewhere is returned as the answer instead.
func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 || req.URL.Host != via[0].URL.Host {
		return http.ErrUseLastResponse
	}
	return nil
}

// deadlineConn moves the connection's deadline forward before each read and
// write: "no progress for timeout" fails, a long but moving answer does not.
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
