// Package cmdutil holds what every command shares: the Factory that builds
// configuration, the S3, console and QuickSync clients and printers on
// demand; error kinds, exit codes and the advice that names qcli's
// commands in errors.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// Factory builds a command's dependencies lazily, so `qcli version` or a
// flag error never reads config files or opens connections.
type Factory struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	// Root flags, bound by the root command before any command runs.
	Flags configure.Flags
	Debug bool
	Quiet bool

	// StartEmbedded starts the in-process emulator for the built-in local
	// profile and returns its endpoint and a stop function.
	StartEmbedded func(dataDir string) (endpoint string, stop func(), err error)

	once     sync.Once
	resolved *configure.Resolved
	err      error
	stops    []func()

	warnMu sync.Mutex
	warned map[string]bool

	// batch is set on the Factory of one command of a `qcli run` batch:
	// its configuration and S3 client are the batch's (see Batch).
	batch *Batch
}

// New returns a Factory over the process's streams and environment.
func New() *Factory {
	return &Factory{IO: iostreams.System(), Getenv: os.Getenv}
}

// Config resolves profiles, files, environment and flags once.
func (f *Factory) Config() (*configure.Resolved, error) {
	if f.batch != nil {
		return f.batch.parent.Config()
	}
	f.once.Do(func() {
		f.resolved, f.err = configure.Resolve(configure.Options{Flags: f.Flags, Getenv: f.Getenv})
		if f.err != nil {
			f.err = &ConfigError{Err: f.err}
			return
		}
		f.Warn(f.resolved.Warnings)
	})
	return f.resolved, f.err
}

// ClientConfig is the resolved client configuration, with the embedded
// emulator started when the local profile needs it and --debug applied.
func (f *Factory) ClientConfig() (client.Config, error) {
	if f.batch != nil {
		return f.batch.clientConfig()
	}
	r, cfg, err := f.transport()
	if err != nil {
		return client.Config{}, err
	}
	if err := r.RequireCredentials(); err != nil {
		return client.Config{}, &ConfigError{Err: err}
	}
	if r.Embedded && cfg.Endpoint == "" {
		endpoint, err := f.startEmbedded(r.Dir)
		if err != nil {
			return client.Config{}, err
		}
		r.Client.Endpoint, cfg.Endpoint = endpoint, endpoint
	}
	return cfg, nil
}

// transport is the resolved configuration and the settings every client
// takes from it, S3, console and QuickSync alike: TLS, timeouts, retries,
// the user agent and the --debug trace (a client.Config, whose S3-only
// fields the other clients ignore).
func (f *Factory) transport() (*configure.Resolved, client.Config, error) {
	r, err := f.Config()
	if err != nil {
		return nil, client.Config{}, err
	}
	cfg := r.Client
	if f.Debug {
		cfg.Debug = f.IO.ErrOut
	}
	return r, cfg, nil
}

func (f *Factory) startEmbedded(dir string) (string, error) {
	if f.StartEmbedded == nil {
		return "", &ConfigError{Err: errNoEmbedded}
	}
	endpoint, stop, err := f.StartEmbedded(dir)
	if err != nil {
		return "", &ConfigError{Err: err}
	}
	f.stops = append(f.stops, stop)
	return endpoint, nil
}

// Client builds a QStorage client from the resolved configuration (in a
// batch: returns the batch's one client).
func (f *Factory) Client(ctx context.Context) (*client.Client, error) {
	return f.TransferClient(ctx, 0)
}

// TransferClient is Client with a connection pool of at least connsPerHost
// connections per host, for a transfer Manager running that many requests
// at once. In a batch it is the batch's one client, whose pool the batch
// sized for all its commands together.
func (f *Factory) TransferClient(ctx context.Context, connsPerHost int) (*client.Client, error) {
	if f.batch != nil {
		return f.batch.client()
	}
	cfg, err := f.ClientConfig()
	if err != nil {
		return nil, err
	}
	cfg.MaxConnsPerHost = max(cfg.MaxConnsPerHost, connsPerHost)
	c, err := client.New(cfg)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	return c, nil
}

// ConsoleClient builds a client of the storage console's management API
// from the profile's console settings. It fails before any request, with
// the fix, when the endpoint or the API key is missing.
func (f *Factory) ConsoleClient(context.Context) (*console.Client, error) {
	r, t, err := f.transport()
	if err != nil {
		return nil, err
	}
	if err := requireConsole(r); err != nil {
		return nil, &ConfigError{Err: err}
	}
	c, err := console.New(console.Config{Endpoint: r.Console.Endpoint, APIKey: r.Console.APIKey, Transport: t})
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	return c, nil
}

// QuickSyncClient builds a QuickSync client with the profile's session.
// It fails before any request, with the fix, when there is no token or
// the one stored by login is known to have expired.
func (f *Factory) QuickSyncClient(context.Context) (*quicksync.Client, error) {
	return f.quickSyncClient(true)
}

// QuickSyncLoginClient is QuickSyncClient for `qcli quicksync login`,
// which needs no token: it gets one.
func (f *Factory) QuickSyncLoginClient(context.Context) (*quicksync.Client, error) {
	return f.quickSyncClient(false)
}

func (f *Factory) quickSyncClient(needToken bool) (*quicksync.Client, error) {
	r, t, err := f.transport()
	if err != nil {
		return nil, err
	}
	if needToken {
		if err := requireToken(r, time.Now()); err != nil {
			return nil, &ConfigError{Err: err}
		}
	}
	c, err := quicksync.New(quickSyncConfig(r, t))
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	return c, nil
}

// quickSyncConfig is the profile's QuickSync session over the transport
// settings t, which quicksync.Config holds field by field.
func quickSyncConfig(r *configure.Resolved, t client.Config) quicksync.Config {
	return quicksync.Config{
		Endpoint: r.QuickSync.Endpoint, Token: r.QuickSync.Token, SessionID: r.QuickSync.SessionID,
		MaxAttempts: t.MaxAttempts, ConnectTimeout: t.ConnectTimeout, ReadTimeout: t.ReadTimeout, CallTimeout: t.CallTimeout,
		RetryBaseDelay: t.RetryBaseDelay, RetryMaxBackoff: t.RetryMaxBackoff,
		RootCAs: t.RootCAs, InsecureSkipVerify: t.InsecureSkipVerify, MaxConnsPerHost: t.MaxConnsPerHost,
		UserAgent: t.UserAgent, Debug: t.Debug, HTTPClient: t.HTTPClient, Logger: t.Logger,
	}
}

// requireConsole says, with the fix, which console setting is missing.
func requireConsole(r *configure.Resolved) error {
	switch {
	case r.Console.Endpoint == "":
		return fmt.Errorf("no console endpoint for profile %q: run `qcli configure set console_endpoint URL%s`, or set QCLI_CONSOLE_ENDPOINT or --console-endpoint",
			r.Profile, profileFlag(r.Profile))
	case r.Console.APIKey == "":
		return fmt.Errorf("no console API key for profile %q: %s", r.Profile, consoleAPIKeyFix(r.Profile))
	}
	return nil
}

// requireToken says, with the fix, that there is no token or that the one
// stored by login has expired. The stored expiry is trusted only for the
// stored token: a token from QCLI_QUICKSYNC_TOKEN is the service's to judge.
func requireToken(r *configure.Resolved, now time.Time) error {
	if r.QuickSync.Token == "" {
		return fmt.Errorf("no QuickSync token for profile %q: run `%s --session ID`, or set QCLI_QUICKSYNC_TOKEN",
			r.Profile, quickSyncLogin(r.Profile))
	}
	tok, _ := r.Lookup(configure.KeyQuickSyncToken)
	exp := r.QuickSync.TokenExpiry
	if tok.Source == configure.SourceCredentialsFile && !exp.IsZero() && !now.Before(exp) {
		return fmt.Errorf("the QuickSync token of profile %q expired at %s: run `%s`",
			r.Profile, exp.Local().Format(time.RFC3339), quickSyncLogin(r.Profile))
	}
	return nil
}

// Printer writes to stdout in the resolved output format (text when the
// configuration cannot be resolved: the command reports that error itself).
// --quiet does not silence it: a command's result (a listing, a URL, a
// setting) is what the user asked for; commands leave out their progress
// and per-object lines themselves under --quiet.
func (f *Factory) Printer() *output.Printer {
	return output.New(f.IO.Out, f.OutputFormat())
}

// OutputFormat is the resolved output format: --output, QCLI_OUTPUT, the
// profile's output setting, else text.
func (f *Factory) OutputFormat() output.Format {
	if r, err := f.Config(); err == nil && r.Output != "" {
		return output.Format(r.Output)
	}
	return output.Text
}

// Warn prints each warning on stderr ("warning: ..."), once per Factory
// however often the settings files are read. Warnings are shown even with
// --quiet: they are about the user's secrets.
func (f *Factory) Warn(warnings []string) {
	if f.batch != nil {
		f.batch.parent.Warn(warnings)
		return
	}
	f.warnMu.Lock()
	defer f.warnMu.Unlock()
	for _, w := range warnings {
		if f.warned[w] {
			continue
		}
		if f.warned == nil {
			f.warned = map[string]bool{}
		}
		f.warned[w] = true
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
	}
}

// Close stops what the factory started (the embedded emulator).
func (f *Factory) Close() {
	for _, stop := range f.stops {
		stop()
	}
	f.stops = nil
}

var errNoEmbedded = errors.New("the local profile needs the built-in emulator, which this build lacks; set endpoint_url for the profile")
