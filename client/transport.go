package client

import (
	"context"
	"net/http"

	"github.com/aws/smithy-go/middleware"

	"github.com/quilibrium/qcli/internal/httpdebug"
	"github.com/quilibrium/qcli/internal/httptransport"
)

// NewHTTPClient returns the HTTP client a Client built from cfg sends its
// requests with: cfg.HTTPClient when set (traced when cfg.Debug is set),
// otherwise the shared transport every qcli API client uses: a connection
// pool of MaxConnsPerHost, ConnectTimeout on dialing and the TLS
// handshake, ReadTimeout on any time no byte moves (waiting for the
// answer, or a stall while reading or writing a body; never on a whole
// transfer, which may take hours), CallTimeout on one call's stalled time
// over all its attempts, redirects only within the same host, and the
// Debug trace. The console and QuickSync clients build theirs with it, so all
// three take the same injection. Wrap its Transport to add behaviour
// while keeping those timeouts.
func NewHTTPClient(cfg Config) *http.Client {
	cfg = cfg.WithDefaults()
	if cfg.HTTPClient != nil {
		return traced(cfg.HTTPClient, cfg)
	}
	return httptransport.New(httptransport.Options{
		ConnectTimeout: cfg.ConnectTimeout, ReadTimeout: cfg.ReadTimeout, CallTimeout: cfg.CallTimeout,
		RootCAs: cfg.RootCAs, InsecureSkipVerify: cfg.InsecureSkipVerify,
		MaxConnsPerHost: cfg.MaxConnsPerHost, Debug: cfg.Debug,
	})
}

// addCallBudget makes each operation one call of httptransport.WithCall:
// its attempts (the retryer runs below Initialize) share one stall budget.
func addCallBudget(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("qcliCallBudget",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(httptransport.WithCall(ctx), in)
		}), middleware.Before)
}

// traced is a copy of hc whose transport also writes the Debug trace; hc
// itself, which the caller may share, is left alone.
func traced(hc *http.Client, cfg Config) *http.Client {
	if cfg.Debug == nil {
		return hc
	}
	base := hc.Transport
	if t, ok := base.(*httpdebug.Transport); ok && t.Out == cfg.Debug {
		return hc // NewHTTPClient(cfg) traces already
	}
	if base == nil {
		base = http.DefaultTransport
	}
	cp := *hc
	cp.Transport = &httpdebug.Transport{Base: base, Out: cfg.Debug}
	return &cp
}
