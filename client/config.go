package client

import (
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/quilibrium/qcli/internal/buildinfo"
)

// Version is qcli's version (1.2.3, no leading v); it is sent in the
// User-Agent header as qcli/<Version>. It is that of the qcli module in the
// running program: set by a release build's linker flags, else read from
// the Go build information (so a program using this SDK at v1.2.3 sends
// qcli/1.2.3), else 0.1.0-dev.
var Version = buildinfo.Version()

// Defaults for a QStorage client. QStorage has one region, q-world-1.
const (
	DefaultEndpoint        = "https://qstorage.quilibrium.com"
	DefaultRegion          = "q-world-1"
	DefaultMaxAttempts     = 5
	DefaultConnectTimeout  = 10 * time.Second
	DefaultReadTimeout     = 20 * time.Second
	DefaultCallTimeout     = 50 * time.Second
	DefaultRetryMaxBackoff = 20 * time.Second
	DefaultRetryBaseDelay  = 250 * time.Millisecond
	DefaultMaxConnsPerHost = 64
)

// DefaultQuickSyncEndpoint is the QuickSync API's URL, the default of
// quicksync.Config.Endpoint. It lives beside the QStorage defaults so that
// configure takes every setting's default from this package.
const DefaultQuickSyncEndpoint = "https://api.quicksync.me"

// AddressingStyle says how the bucket name is put into a request URL.
type AddressingStyle string

// Addressing styles. Path is the default: QStorage's guides use it and it works
// with endpoints such as http://localhost:9000 where bucket subdomains do not resolve.
const (
	AddressingPath    AddressingStyle = "path"    // https://endpoint/bucket/key
	AddressingVirtual AddressingStyle = "virtual" // https://bucket.endpoint/key
	AddressingAuto    AddressingStyle = "auto"    // virtual when the bucket name is DNS-safe and the endpoint is not an IP or localhost
)

// ChecksumMode says when request checksums are calculated and response checksums validated.
type ChecksumMode string

// Checksum modes. WhenRequired is the default because the AWS SDK's default
// (CRC32 on every request, aws-chunked bodies over HTTPS) breaks many
// S3-compatible servers; QStorage's own guide turns it off.
const (
	ChecksumWhenRequired  ChecksumMode = "when_required"
	ChecksumWhenSupported ChecksumMode = "when_supported"
)

// Credentials are a QStorage access key pair. AccountID is kept for callers
// that need it (the console, expected-bucket-owner checks) but is never signed.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	AccountID       string
}

// String shows the access key id only, so credentials can be logged safely.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{AccessKeyID: %q, SecretAccessKey: %s, SessionToken: %s}",
		c.AccessKeyID, redactedIfSet(c.SecretAccessKey), redactedIfSet(c.SessionToken))
}

// GoString keeps %#v from printing secrets too.
func (c Credentials) GoString() string { return c.String() }

func redactedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// Config is everything needed to build a Client. The zero value of each
// field means its default; call WithDefaults to see them filled in.
type Config struct {
	// Endpoint is the service URL, scheme included. Default DefaultEndpoint.
	Endpoint string
	// Region is signed into every request; it must be a DNS label even for
	// custom endpoints. Default DefaultRegion.
	Region string
	// Credentials sign requests. Empty credentials are an error at New.
	Credentials Credentials
	// AddressingStyle defaults to AddressingPath.
	AddressingStyle AddressingStyle
	// ChecksumMode defaults to ChecksumWhenRequired.
	ChecksumMode ChecksumMode
	// MaxAttempts bounds tries per request, the first one included. Default DefaultMaxAttempts.
	MaxAttempts int
	// ConnectTimeout bounds dialing and the TLS handshake. Default DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// ReadTimeout is an idle timeout: an attempt fails when no byte has
	// moved in either direction for this long (sending, waiting for the
	// answer, reading it). A slow transfer that keeps moving is never cut.
	// Default DefaultReadTimeout.
	ReadTimeout time.Duration
	// CallTimeout bounds the time one call (a listing page, a HEAD, a
	// part) spends stalled, added up over all its attempts: attempts stop
	// when another stall could pass it, so a dead or black-holed endpoint
	// fails every call within it. Time moving bytes does not count.
	// Default DefaultCallTimeout.
	CallTimeout time.Duration
	// RetryMaxBackoff caps the wait between attempts, including waits asked
	// for by Retry-After. Default DefaultRetryMaxBackoff.
	RetryMaxBackoff time.Duration
	// RetryBaseDelay is the first retry's mean wait; each further retry
	// doubles it (full jitter). Default DefaultRetryBaseDelay.
	RetryBaseDelay time.Duration
	// InsecureSkipVerify turns TLS certificate verification off. Never the default.
	InsecureSkipVerify bool
	// RootCAs, when set, replaces the system roots (a private CA, a test server).
	RootCAs *x509.CertPool
	// MaxConnsPerHost sizes the connection pool. Default DefaultMaxConnsPerHost.
	MaxConnsPerHost int
	// UserAgent is appended after qcli/<Version>.
	UserAgent string
	// Debug, when set, receives a trace of every request and response
	// (headers only) with credentials, signatures and tokens redacted.
	Debug io.Writer

	// The fields below are injection points for programs that already run
	// aws-sdk-go-v2 or minio-go machinery of their own. They are not
	// settings of the configure package (no profile sets them).

	// HTTPClient, when set, sends every request instead of the client New
	// builds. ConnectTimeout, ReadTimeout and MaxConnsPerHost then do not
	// apply: they configure the built-in transport, and timeouts become
	// HTTPClient's business (see README, "SDK"). Debug still traces.
	// RootCAs and InsecureSkipVerify cannot be combined with it (New
	// refuses): set them on HTTPClient's TLS configuration. NewHTTPClient
	// gives the built-in client, to wrap its transport instead of
	// replacing it.
	HTTPClient *http.Client
	// CredentialsProvider, when set, signs requests instead of Credentials
	// (which must then be empty). It is the AWS SDK's interface, so any
	// aws-sdk-go-v2 provider fits (STS, SSO, process, a rotating source of
	// your own); it is wrapped in an aws.CredentialsCache unless it is
	// one, so it is asked again only when the credentials it returned
	// expire (aws.Credentials.CanExpire and Expires), and session tokens
	// are sent as X-Amz-Security-Token.
	CredentialsProvider aws.CredentialsProvider
	// APIOptions are added to every operation's middleware stack after the
	// client's own (user agent, content checksums), as aws-sdk-go-v2's
	// config.WithAPIOptions would: request signing tweaks, metrics,
	// extra headers.
	APIOptions []func(*middleware.Stack) error
	// S3Options edit the SDK client's options last, after every setting
	// above: the escape hatch for anything else (a custom Retryer,
	// EndpointResolverV2, ...). What they change is no longer this
	// package's promise.
	S3Options []func(*s3.Options)
	// Logger, when set, receives the SDK's messages (retries at Debug,
	// warnings at Warn, as an upload a lost attempt may have left open)
	// and one Debug record per operation (its name, bucket, key, HTTP
	// status, attempts and duration). It never receives
	// credentials, headers or bodies.
	Logger *slog.Logger
}

// String describes the configuration without secrets: the credentials
// show their access key id only, and a CredentialsProvider (which may hold
// a key pair) and an HTTPClient only whether they are set.
func (c Config) String() string {
	return fmt.Sprintf("client.Config{Endpoint: %q, Region: %q, AddressingStyle: %q, ChecksumMode: %q, Credentials: %s, CredentialsProvider: %s, HTTPClient: %s}",
		c.Endpoint, c.Region, c.AddressingStyle, c.ChecksumMode, c.Credentials, setOrNot(c.CredentialsProvider != nil), setOrNot(c.HTTPClient != nil))
}

// GoString keeps %#v from printing secrets too.
func (c Config) GoString() string { return c.String() }

func setOrNot(set bool) string {
	if set {
		return "set"
	}
	return "none"
}

// WithDefaults returns a copy of c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AddressingStyle == "" {
		c.AddressingStyle = AddressingPath
	}
	if c.ChecksumMode == "" {
		c.ChecksumMode = ChecksumWhenRequired
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.RetryMaxBackoff == 0 {
		c.RetryMaxBackoff = DefaultRetryMaxBackoff
	}
	if c.RetryBaseDelay == 0 {
		c.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if c.MaxConnsPerHost == 0 {
		c.MaxConnsPerHost = DefaultMaxConnsPerHost
	}
	return c
}

// Validate reports the first setting that cannot work, naming the fix.
// It does not require credentials; New does.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := ValidateEndpoint(c.Endpoint); err != nil {
		return err
	}
	if err := ValidateRegion(c.Region); err != nil {
		return err
	}
	if _, err := ParseAddressingStyle(string(c.AddressingStyle)); err != nil {
		return err
	}
	if _, err := ParseChecksumMode(string(c.ChecksumMode)); err != nil {
		return err
	}
	if c.MaxAttempts < 1 {
		return &ConfigError{Setting: "max_attempts", Problem: fmt.Sprintf("%d is below 1", c.MaxAttempts), Fix: "use 1 or more"}
	}
	if c.HTTPClient != nil && (c.RootCAs != nil || c.InsecureSkipVerify) {
		return &ConfigError{Setting: "ca_bundle / verify_ssl", Problem: "set together with an HTTPClient, whose transport would not use them",
			Fix: "set them in HTTPClient's TLS configuration, or wrap the transport of client.NewHTTPClient(cfg)"}
	}
	if c.CredentialsProvider != nil && (c.Credentials.AccessKeyID != "" || c.Credentials.SecretAccessKey != "") {
		return &ConfigError{Setting: "credentials", Problem: "both static credentials and a CredentialsProvider are set",
			Fix: "set one of them"}
	}
	return nil
}

// ConfigError is a setting that cannot work.
type ConfigError struct {
	Setting string // the setting's name as written in the config file
	Problem string
	Fix     string
}

func (e *ConfigError) Error() string {
	msg := fmt.Sprintf("invalid %s: %s", e.Setting, e.Problem)
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// ValidateEndpoint checks that s is an absolute http or https URL with a host.
func ValidateEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &ConfigError{Setting: "endpoint_url", Problem: fmt.Sprintf("%q is not an http(s) URL", s),
			Fix: "use a URL such as https://qstorage.quilibrium.com or http://127.0.0.1:9000"}
	}
	if u.User != nil {
		return &ConfigError{Setting: "endpoint_url", Problem: "the URL holds user info", Fix: "put credentials in the credentials file, not the URL"}
	}
	return nil
}

// ValidateRegion checks that s is a DNS label, as SigV4 and endpoint resolution need.
func ValidateRegion(s string) error {
	if !isDNSLabel(s) {
		return &ConfigError{Setting: "region", Problem: fmt.Sprintf("%q is not a DNS label", s), Fix: "use letters, digits and hyphens, e.g. " + DefaultRegion}
	}
	return nil
}

func isDNSLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// ParseAddressingStyle accepts path, virtual or auto (any case).
func ParseAddressingStyle(s string) (AddressingStyle, error) {
	switch st := AddressingStyle(strings.ToLower(s)); st {
	case AddressingPath, AddressingVirtual, AddressingAuto:
		return st, nil
	}
	return "", &ConfigError{Setting: "addressing_style", Problem: fmt.Sprintf("%q is not a style", s), Fix: "use path, virtual or auto"}
}

// ParseChecksumMode accepts when_required or when_supported (any case).
func ParseChecksumMode(s string) (ChecksumMode, error) {
	switch m := ChecksumMode(strings.ToLower(s)); m {
	case ChecksumWhenRequired, ChecksumWhenSupported:
		return m, nil
	}
	return "", &ConfigError{Setting: "checksum_mode", Problem: fmt.Sprintf("%q is not a mode", s), Fix: "use when_required or when_supported"}
}
