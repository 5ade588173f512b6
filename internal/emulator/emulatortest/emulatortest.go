// Package emulatortest starts an emulator behind an httptest TLS server for
// qcli's own tests, with the emulator at hand (faults, observers) and
// helpers for tests of the emulator's behaviour over the wire (kit.go).
// The public qstoragetest is built on it for the tests of qcli's users.
package emulatortest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator"
)

// Default credentials installed when Options.Credentials is empty.
const (
	AccessKey = "QEMULATORACCESSKEY01"
	SecretKey = "emulator/secret+key/0123456789abcdefghij"
	Region    = emulator.DefaultRegion
)

// Server is a running emulator and what a client needs to reach it.
type Server struct {
	*httptest.Server                    // URL is the endpoint, e.g. https://127.0.0.1:PORT
	Emulator         *emulator.Emulator // for SetFault (package faults), Observe, SetCredential...
	AccessKey        string             // a valid access key ID
	SecretKey        string             // its secret
	Region           string             // the region requests are signed for
	CertPool         *x509.CertPool     // trusts the server's certificate
}

// Start runs an emulator configured by opts over TLS and registers cleanup
// on tb. Empty Credentials get AccessKey/SecretKey; an empty Region
// defaults to Region.
func Start(tb testing.TB, opts emulator.Options) *Server {
	tb.Helper()
	return StartWrapped(tb, opts, nil)
}

// StartWrapped is Start with the emulator's handler passed through wrap
// (nil: none), for a server that answers like the emulator but breaks a
// rule of its own.
func StartWrapped(tb testing.TB, opts emulator.Options, wrap func(http.Handler) http.Handler) *Server {
	tb.Helper()
	return start(tb, opts, wrap, true)
}

// StartPlainHTTP is Start over plain HTTP, the one path on which the AWS
// SDK signs the SHA-256 of every request body (over TLS it sends
// UNSIGNED-PAYLOAD); CertPool is nil.
func StartPlainHTTP(tb testing.TB, opts emulator.Options) *Server {
	tb.Helper()
	return start(tb, opts, nil, false)
}

func start(tb testing.TB, opts emulator.Options, wrap func(http.Handler) http.Handler, useTLS bool) *Server {
	tb.Helper()
	s, err := newServer(opts, wrap, useTLS)
	if err != nil {
		tb.Fatalf("emulatortest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// New is Start without a test: the caller closes the server.
func New(opts emulator.Options) (*Server, error) { return newServer(opts, nil, true) }

func newServer(opts emulator.Options, wrap func(http.Handler) http.Handler, useTLS bool) (*Server, error) {
	ak, sk := AccessKey, SecretKey
	if len(opts.Credentials) == 0 {
		opts.Credentials = map[string]string{ak: sk}
	} else {
		for k, v := range opts.Credentials {
			ak, sk = k, v
			break
		}
	}
	if opts.Region == "" {
		opts.Region = Region
	}
	emu, err := emulator.New(opts)
	if err != nil {
		return nil, err
	}
	var h http.Handler = emu
	if wrap != nil {
		h = wrap(emu)
	}
	s := &Server{Emulator: emu, AccessKey: ak, SecretKey: sk, Region: opts.Region}
	if !useTLS {
		s.Server = httptest.NewServer(h)
		return s, nil
	}
	s.Server = httptest.NewTLSServer(h)
	s.CertPool = x509.NewCertPool()
	s.CertPool.AddCert(s.Server.Certificate())
	return s, nil
}

// Close stops serving and closes the emulator; it may be called more than
// once.
func (s *Server) Close() {
	s.Server.Close()
	_ = s.Emulator.Close()
}

// HTTPClient returns a client that trusts the server's certificate.
func (s *Server) HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: s.CertPool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}
}

// S3Client returns an SDK client for the server as QStorage's guides
// configure one: path-style addressing, the server's region, and request
// checksums only when required. optFns may override any of it.
func (s *Server) S3Client(optFns ...func(*s3.Options)) *s3.Client {
	opts := s3.Options{
		BaseEndpoint:               aws.String(s.URL),
		UsePathStyle:               true,
		Region:                     s.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		HTTPClient:                 s.HTTPClient(),
	}
	return s3.New(opts, optFns...)
}
