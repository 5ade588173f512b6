package quicksync

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/client"
)

// DefaultEndpoint is QuickSync's API.
const DefaultEndpoint = client.DefaultQuickSyncEndpoint

// Config is everything a Client needs. Zero values take the defaults of the
// QStorage client (client.Default*), so both behave alike on one network.
type Config struct {
	// Endpoint is the API's base URL. Default DefaultEndpoint.
	Endpoint string
	// Token is the bearer token from JoinSession. Every call but
	// JoinSession needs it, or TokenProvider.
	Token string
	// TokenProvider, when set and Token is empty, is asked for the token
	// on every call: a token that is refreshed elsewhere, or lives in a
	// secret store. Its error fails the call before anything is sent; an
	// empty token is ErrNoToken. WithSession's token takes its place.
	TokenProvider func(context.Context) (string, error)
	// SessionID is the session the token belongs to; Upload encrypts file
	// names with it. It is never sent to the service by this package
	// except in JoinSession.
	SessionID string

	// MaxAttempts bounds tries per request, the first included.
	MaxAttempts int
	// ConnectTimeout bounds dialing and the TLS handshake.
	ConnectTimeout time.Duration
	// ReadTimeout is an idle timeout: an attempt fails when no byte has
	// moved either way for this long. CallTimeout bounds one call's stalled
	// time over all its attempts. See client.Config.
	ReadTimeout, CallTimeout time.Duration
	// RetryBaseDelay is the first retry's mean wait; it doubles per retry
	// (full jitter) up to RetryMaxBackoff, which also caps Retry-After.
	RetryBaseDelay  time.Duration
	RetryMaxBackoff time.Duration
	// RootCAs, when set, replaces the system roots.
	RootCAs *x509.CertPool
	// InsecureSkipVerify turns TLS certificate verification off.
	InsecureSkipVerify bool
	// MaxConnsPerHost sizes the connection pool.
	MaxConnsPerHost int
	// UserAgent is appended after qcli/<client.Version>.
	UserAgent string
	// Debug, when set, receives a trace of every request and response
	// (headers only, the token redacted).
	Debug io.Writer
	// HTTPClient, when set, sends every request instead of the client
	// built from the settings above, as client.Config.HTTPClient does for
	// the QStorage client (see client.NewHTTPClient): timeouts, TLS and the
	// pool are then its business; Debug still traces.
	HTTPClient *http.Client
	// Logger, when set, receives one Debug record per call (its name, HTTP
	// status, attempts, duration and error), as client.Config.Logger does.
	// It never receives the token, headers or bodies.
	Logger *slog.Logger
}

// String hides the token and the session ID, so a Config can be logged.
func (c Config) String() string {
	return fmt.Sprintf("quicksync.Config{Endpoint: %q, Token: %s, TokenProvider: %s, SessionID: %s}",
		c.Endpoint, redacted(c.Token), setOrNot(c.TokenProvider != nil), redacted(c.SessionID))
}

func setOrNot(set bool) string {
	if set {
		return "set"
	}
	return "none"
}

// transport is c's transport settings as the QStorage client takes them,
// so that both build their HTTP client the same way.
func (c Config) transport() client.Config {
	return client.Config{ConnectTimeout: c.ConnectTimeout, ReadTimeout: c.ReadTimeout, CallTimeout: c.CallTimeout,
		RootCAs: c.RootCAs, InsecureSkipVerify: c.InsecureSkipVerify, MaxConnsPerHost: c.MaxConnsPerHost,
		Debug: c.Debug, HTTPClient: c.HTTPClient}
}

// GoString keeps %#v from printing secrets too.
func (c Config) GoString() string { return c.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	setDefault(&c.Endpoint, DefaultEndpoint)
	setDefault(&c.MaxAttempts, client.DefaultMaxAttempts)
	setDefault(&c.ConnectTimeout, client.DefaultConnectTimeout)
	setDefault(&c.ReadTimeout, client.DefaultReadTimeout)
	setDefault(&c.CallTimeout, client.DefaultCallTimeout)
	setDefault(&c.RetryBaseDelay, client.DefaultRetryBaseDelay)
	setDefault(&c.RetryMaxBackoff, client.DefaultRetryMaxBackoff)
	setDefault(&c.MaxConnsPerHost, client.DefaultMaxConnsPerHost)
	return c
}

func setDefault[T comparable](p *T, def T) {
	var zero T
	if *p == zero {
		*p = def
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := client.ValidateEndpoint(c.Endpoint); err != nil {
		var ce *client.ConfigError
		if errors.As(err, &ce) {
			return &client.ConfigError{Setting: "quicksync_endpoint", Problem: ce.Problem,
				Fix: "use a URL such as " + DefaultEndpoint + " or http://127.0.0.1:9000"}
		}
		return err
	}
	if c.MaxAttempts < 1 {
		return &client.ConfigError{Setting: "max_attempts", Problem: fmt.Sprintf("%d is below 1", c.MaxAttempts), Fix: "use 1 or more"}
	}
	return nil
}
