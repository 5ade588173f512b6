// Package console is a client for the QStorage console's management API:
// system stats, access credentials, buckets with their object counts and
// sizes, objects with batch delete, unfinished multipart uploads and
// presigned URLs.
//
// Requests carry the API key as X-API-Key (and, when set, a bearer token);
// Config.APIKeyProvider supplies a key that rotates.
// The HTTP layout is one table (see Routes) under a configurable base path,
// DefaultBasePath by default. Transport settings (timeouts, TLS, retries,
// debug tracing, user agent) are the S3 client's: Config.Transport is a
// client.Config. Errors are *Error (with Status sentinels),
// *client.ValidationError for input caught before any request, and
// *client.ConnectionError when the service could not be reached.
package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/jsonapi"
)

// Config is everything needed to build a Client.
type Config struct {
	// Endpoint is the console's URL, e.g. https://console.example.com. Required.
	Endpoint string
	// BasePath prefixes every route. Default DefaultBasePath.
	BasePath string
	// APIKey is sent as X-API-Key on every request. It, or APIKeyProvider,
	// is required.
	APIKey string
	// APIKeyProvider, when set, is asked for the API key on every call
	// instead (APIKey must then be empty): a key that rotates, or lives in
	// a secret store. Its error fails the call before anything is sent.
	APIKeyProvider func(context.Context) (string, error)
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	BearerToken string
	// Transport holds the settings shared with the S3 client: MaxAttempts,
	// ConnectTimeout, ReadTimeout, RetryBaseDelay, RetryMaxBackoff,
	// InsecureSkipVerify, RootCAs, MaxConnsPerHost, UserAgent, Debug, and
	// the injection points HTTPClient (as client.NewHTTPClient takes it)
	// and Logger (one Debug record per call: its name, HTTP status,
	// attempts, duration; never keys, headers or bodies). Its endpoint,
	// region, credentials, addressing and S3-only hooks (APIOptions,
	// S3Options) are not used.
	Transport client.Config
	// HTTPClient, when set, is used instead of one built from Transport.
	HTTPClient *http.Client
}

// String describes the configuration with the API key and token redacted,
// so that it can be logged.
func (c Config) String() string {
	return fmt.Sprintf("console.Config{Endpoint: %q, BasePath: %q, APIKey: %s, APIKeyProvider: %s, BearerToken: %s}",
		c.Endpoint, c.BasePath, redacted(c.APIKey), setOrNot(c.APIKeyProvider != nil), redacted(c.BearerToken))
}

func setOrNot(set bool) string {
	if set {
		return "set"
	}
	return "none"
}

// GoString keeps %#v from printing the key too.
func (c Config) GoString() string { return c.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// Client calls the management API. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL // endpoint joined with the base path
	api  *jsonapi.Client
}

// New builds a client. It fails, before any request, on a missing endpoint
// or API key and on settings that cannot work.
func New(cfg Config) (*Client, error) {
	cfg.Transport = cfg.Transport.WithDefaults()
	if cfg.BasePath == "" {
		cfg.BasePath = DefaultBasePath
	}
	base, err := baseURL(cfg)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.APIKey == "" && cfg.APIKeyProvider == nil:
		return nil, ErrNoAPIKey
	case cfg.APIKey != "" && cfg.APIKeyProvider != nil:
		return nil, &client.ConfigError{Setting: "console_api_key", Problem: "both an API key and an APIKeyProvider are set", Fix: "set one of them"}
	}
	if cfg.Transport.MaxAttempts < 1 {
		return nil, &client.ConfigError{Setting: "max_attempts", Problem: "below 1", Fix: "use 1 or more"}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = client.NewHTTPClient(cfg.Transport)
	}
	return &Client{cfg: cfg, base: base, api: newCaller(cfg, base, hc)}, nil
}

// Errors New returns for a missing setting; the CLI adds how to set it.
var (
	ErrNoEndpoint = &client.ConfigError{Setting: "console_endpoint", Problem: "no console endpoint",
		Fix: "set the console's URL, e.g. https://console.example.com"}
	ErrNoAPIKey = &client.ConfigError{Setting: "console_api_key", Problem: "no console API key",
		Fix: "set the API key the console issued"}
)

func baseURL(cfg Config) (*url.URL, error) {
	if cfg.Endpoint == "" {
		return nil, ErrNoEndpoint
	}
	if err := client.ValidateEndpoint(cfg.Endpoint); err != nil {
		problem := err.Error()
		var ce *client.ConfigError
		if errors.As(err, &ce) {
			problem = ce.Problem
		}
		return nil, &client.ConfigError{Setting: "console_endpoint", Problem: problem, Fix: "use a URL such as https://console.example.com or http://127.0.0.1:9000"}
	}
	if !strings.HasPrefix(cfg.BasePath, "/") {
		return nil, &client.ConfigError{Setting: "base path", Problem: cfg.BasePath + " does not start with /", Fix: "use a path such as " + DefaultBasePath}
	}
	u, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/") + strings.TrimRight(cfg.BasePath, "/"))
	if err != nil {
		return nil, &client.ConfigError{Setting: "console_endpoint", Problem: err.Error()}
	}
	return u, nil
}

// Config returns the client's configuration with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// ResolveURL turns a URL the service returned (a presigned URL may be a
// bare path, as in 003's example) into an absolute one on the console's
// host. Absolute URLs are returned unchanged.
func (c *Client) ResolveURL(ref string) string {
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() {
		return ref
	}
	return c.base.ResolveReference(u).String()
}

// String describes the client without its API key.
func (c *Client) String() string { return "qstorage console client for " + c.base.String() }
