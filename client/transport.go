package client

import (
	"net/http"

	"github.com/quilibrium/qcli/internal/httptransport"
)

// newHTTPClient builds the one HTTP client a Client uses; see httptransport
// for the pool, deadlines and redirect rule.
func newHTTPClient(cfg Config) *http.Client {
	return httptransport.New(TransportOptions(cfg))
}

// TransportOptions are the HTTP settings of cfg (with defaults applied),
// for the other API clients (console, QuickSync) that share them.
func TransportOptions(cfg Config) httptransport.Options {
	cfg = cfg.WithDefaults()
	return httptransport.Options{
		ConnectTimeout: cfg.ConnectTimeout, ReadTimeout: cfg.ReadTimeout,
		RootCAs: cfg.RootCAs, InsecureSkipVerify: cfg.InsecureSkipVerify,
		MaxConnsPerHost: cfg.MaxConnsPerHost, Debug: cfg.Debug,
	}
}
