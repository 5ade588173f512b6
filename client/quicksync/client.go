package quicksync

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/backoff"
	"github.com/quilibrium/qcli/internal/httptransport"
)

// Client is a QuickSync API client. It is safe for concurrent use.
type Client struct {
	cfg   Config
	hc    *http.Client
	base  string // Endpoint without a trailing slash
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

// New builds a client. It fails, before any request, on a setting that
// cannot work. A Config without a Token is fine for JoinSession; the other
// calls then fail with ErrNoToken.
func New(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Client{
		cfg: cfg, hc: newHTTPClient(cfg), base: strings.TrimRight(cfg.Endpoint, "/"),
		sleep: backoff.Sleep, now: time.Now,
	}, nil
}

// Config returns the configuration in effect, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// WithSession returns a client that shares c's connections and sends
// token, for example the one JoinSession just returned.
func (c *Client) WithSession(s *Session) *Client {
	cc := *c
	cc.cfg.Token, cc.cfg.SessionID = s.Token, s.SessionID
	return &cc
}

// newHTTPClient is cfg.HTTPClient, or the transport every qcli API client
// shares (pool, deadlines, same-host redirects, --debug trace).
func newHTTPClient(cfg Config) *http.Client {
	if cfg.HTTPClient != nil {
		return cfg.HTTPClient
	}
	return httptransport.New(httptransport.Options{
		ConnectTimeout: cfg.ConnectTimeout, ReadTimeout: cfg.ReadTimeout,
		RootCAs: cfg.RootCAs, InsecureSkipVerify: cfg.InsecureSkipVerify,
		MaxConnsPerHost: cfg.MaxConnsPerHost, Debug: cfg.Debug,
	})
}
