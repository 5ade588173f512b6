package quicksync

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/backoff"
	"github.com/quilibrium/qcli/internal/jsonapi"
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
		cfg: cfg, hc: client.NewHTTPClient(cfg.transport()), base: strings.TrimRight(cfg.Endpoint, "/"),
		sleep: backoff.Sleep, now: time.Now,
	}, nil
}

// Config returns the configuration in effect, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// WithSession returns a client that shares c's connections and sends
// token, for example the one JoinSession just returned, instead of c's
// Token or TokenProvider.
func (c *Client) WithSession(s *Session) *Client {
	cc := *c
	cc.cfg.Token, cc.cfg.TokenProvider, cc.cfg.SessionID = s.Token, nil, s.SessionID
	return &cc
}

// do sends call (retried as jsonapi.Retryable allows) and decodes a 2xx
// JSON answer into out (nil: the body is ignored).
func (c *Client) do(ctx context.Context, call jsonapi.Call, out any) error {
	return c.api().Do(ctx, call, out)
}

// api is the JSON caller for the client's settings: the bearer token on
// every call but JoinSession, errors as *Error and *ConnectionError.
func (c *Client) api() *jsonapi.Client {
	return &jsonapi.Client{
		BaseURL: c.base, HTTP: c.hc, UserAgent: c.cfg.UserAgent,
		Auth: func(ctx context.Context, h http.Header) ([]string, error) {
			tok, err := jsonapi.Credential(ctx, c.cfg.Token, c.cfg.TokenProvider, "the token", ErrNoToken)
			if err != nil {
				return nil, err
			}
			h.Set("Authorization", "Bearer "+tok)
			return []string{tok}, nil
		},
		Secrets: []string{c.cfg.Token, c.cfg.SessionID},
		Retry: jsonapi.Policy{MaxAttempts: c.cfg.MaxAttempts, BaseDelay: c.cfg.RetryBaseDelay,
			MaxBackoff: c.cfg.RetryMaxBackoff, Sleep: c.sleep},
		StatusError: func(f *jsonapi.Failure) error {
			return &Error{Op: f.Op, FileID: f.Subject, StatusCode: f.StatusCode, Message: f.Message, RetryAfter: f.RetryAfter}
		},
		ConnectionError: func(op string, err error) error { return &ConnectionError{Op: op, Endpoint: c.base, Err: err} },
		Logger:          c.cfg.Logger, API: "quicksync",
	}
}

// hasToken says whether calls can carry a token: a Token, or a
// TokenProvider to ask.
func (c *Client) hasToken() bool { return c.cfg.Token != "" || c.cfg.TokenProvider != nil }
