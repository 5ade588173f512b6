// Package qstoragetest starts a QStorage server in-process, over TLS, for
// the tests of programs that use qcli's SDK, as net/http/httptest does for
// HTTP servers. The server is qcli's emulator: the S3 API with signatures
// checked and QStorage's rules enforced, data in memory.
//
//	func TestArchive(t *testing.T) {
//		srv := qstoragetest.NewServer(t)
//		c, err := client.New(srv.Config())
//		if err != nil {
//			t.Fatal(err)
//		}
//		// ... run the code under test against c ...
//	}
package qstoragetest

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// Server is a running QStorage server on a loopback port.
type Server struct {
	// URL is the endpoint, https://127.0.0.1:PORT.
	URL string
	// Region is the region requests must be signed for.
	Region string
	// Credentials are the key pair the server accepts.
	Credentials client.Credentials
	// RootCAs trusts the server's certificate, and nothing else.
	RootCAs *x509.CertPool

	srv *emulatortest.Server
}

// Option adjusts a Server before it starts.
type Option func(*settings)

type settings struct {
	region string
	creds  *client.Credentials
}

// WithRegion makes the server serve region (default client.DefaultRegion).
func WithRegion(region string) Option {
	return func(s *settings) { s.region = region }
}

// WithCredentials makes the server accept creds instead of its own example
// key pair. A session token in creds is not checked.
func WithCredentials(creds client.Credentials) Option {
	return func(s *settings) { s.creds = &creds }
}

// NewServer starts a server. With a non-nil tb, a failure to start fails
// the test and the server is closed when the test ends; with nil (in an
// Example, say) a failure panics and the caller must Close the server.
func NewServer(tb testing.TB, opts ...Option) *Server {
	if tb != nil {
		tb.Helper()
	}
	srv, err := start(opts)
	switch {
	case err != nil && tb != nil:
		tb.Fatalf("qstoragetest: %v", err)
	case err != nil:
		panic("qstoragetest: " + err.Error())
	}
	s := &Server{URL: srv.URL, Region: srv.Region, RootCAs: srv.CertPool, srv: srv,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

func start(opts []Option) (*emulatortest.Server, error) {
	var set settings
	for _, f := range opts {
		f(&set)
	}
	o := emulator.Options{Region: set.region}
	if c := set.creds; c != nil {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return nil, errors.New("WithCredentials needs an access key ID and a secret access key")
		}
		o.Credentials = map[string]string{c.AccessKeyID: c.SecretAccessKey}
	}
	if set.region != "" {
		if err := client.ValidateRegion(set.region); err != nil {
			return nil, err
		}
	}
	return emulatortest.New(o)
}

// Config is a client configuration for the server: its endpoint, region
// and credentials, and its certificate trusted. Adjust the rest (retries,
// timeouts) as the code under test would.
func (s *Server) Config() client.Config {
	return client.Config{Endpoint: s.URL, Region: s.Region, Credentials: s.Credentials, RootCAs: s.RootCAs}
}

// Close shuts the server down and blocks until requests in flight are
// done; its data is gone. It may be called more than once.
func (s *Server) Close() { s.srv.Close() }
