// Package client is a typed QStorage client over aws-sdk-go-v2's S3 client.
//
// It settles what every S3-compatible tool has to get right: endpoint,
// region and addressing style; request checksums off unless asked for
// (QStorage's guidance); retries that include 429 and honour Retry-After
// without a client-wide quota; typed errors with sentinels; validation of
// bucket names, keys and metadata before any request; paginated listings as
// iterators. It reads no AWS config files or environment: the caller (or the
// configure package) decides every setting; programs with aws-sdk-go-v2
// machinery of their own inject it through Config (HTTPClient,
// CredentialsProvider, APIOptions, S3Options, Logger).
//
// Operations lists every S3 operation the client offers; S3 returns the
// SDK client for the others, and WrapError gives their errors the same
// types.
package client

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Client is a QStorage client. It is safe for concurrent use.
type Client struct {
	s3  *s3.Client
	cfg Config
}

// New builds a client from cfg. It fails, before any request, on a setting
// that cannot work or on missing credentials.
func New(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.CredentialsProvider == nil && (cfg.Credentials.AccessKeyID == "" || cfg.Credentials.SecretAccessKey == "") {
		return nil, ErrNoCredentials
	}
	return &Client{s3: s3.New(s3Options(cfg), cfg.S3Options...), cfg: cfg}, nil
}

// ErrNoCredentials is returned by New when the access key id or secret is
// missing and no CredentialsProvider is set. (configure.Resolve reads them
// from qcli's profiles and environment.)
var ErrNoCredentials = &ConfigError{Setting: "credentials", Problem: "no access key id and secret access key",
	Fix: "set Config.Credentials or Config.CredentialsProvider"}

// s3Options is the whole SDK configuration; nothing comes from the
// environment or ~/.aws. cfg.S3Options are applied after it, by s3.New.
func s3Options(cfg Config) s3.Options {
	o := s3.Options{
		BaseEndpoint:               aws.String(strings.TrimRight(cfg.Endpoint, "/")),
		Region:                     cfg.Region,
		Credentials:                credentialsProvider(cfg),
		UsePathStyle:               usePathStyle(cfg),
		EndpointResolverV2:         newCachedResolver(),
		RequestChecksumCalculation: requestChecksum(cfg.ChecksumMode),
		ResponseChecksumValidation: responseChecksum(cfg.ChecksumMode),
		Retryer:                    newRetryer(cfg),
		HTTPClient:                 NewHTTPClient(cfg),
		APIOptions:                 append([]func(*middleware.Stack) error{addUserAgent(cfg.UserAgent), addCallBudget}, cfg.APIOptions...),
	}
	if cfg.Logger != nil {
		o.Logger = sdkLogger{cfg.Logger}
		o.ClientLogMode = aws.LogRetries
		o.APIOptions = append(o.APIOptions, logOperations(cfg.Logger))
	}
	return o
}

// credentialsProvider is cfg's provider, cached so that it is asked again
// only when its credentials expire, or the static key pair.
func credentialsProvider(cfg Config) aws.CredentialsProvider {
	switch p := cfg.CredentialsProvider.(type) {
	case nil:
		creds := cfg.Credentials
		return credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	case *aws.CredentialsCache:
		return p
	default:
		return aws.NewCredentialsCache(p)
	}
}

// usePathStyle decides addressing once per client. auto picks virtual-hosted
// addressing except for IP and localhost endpoints, where bucket subdomains
// cannot resolve; the SDK itself falls back to path style for bucket names
// that are not DNS-safe.
func usePathStyle(cfg Config) bool {
	switch cfg.AddressingStyle {
	case AddressingVirtual:
		return false
	case AddressingAuto:
		u, err := url.Parse(cfg.Endpoint)
		if err != nil {
			return true
		}
		host := u.Hostname()
		return host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil
	default:
		return true
	}
}

func requestChecksum(m ChecksumMode) aws.RequestChecksumCalculation {
	if m == ChecksumWhenSupported {
		return aws.RequestChecksumCalculationWhenSupported
	}
	return aws.RequestChecksumCalculationWhenRequired
}

func responseChecksum(m ChecksumMode) aws.ResponseChecksumValidation {
	if m == ChecksumWhenSupported {
		return aws.ResponseChecksumValidationWhenSupported
	}
	return aws.ResponseChecksumValidationWhenRequired
}

// addUserAgent puts qcli/<Version> (and the caller's extra) first in the
// User-Agent header, ahead of the SDK's own tokens.
func addUserAgent(extra string) func(*middleware.Stack) error {
	ua := "qcli/" + Version
	if extra != "" {
		ua += " " + extra
	}
	return func(stack *middleware.Stack) error {
		return stack.Build.Add(middleware.BuildMiddlewareFunc("qcliUserAgent",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					req.Header.Set("User-Agent", strings.TrimSpace(ua+" "+req.Header.Get("User-Agent")))
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
	}
}

// unsignedPayloadIfStreaming lets a body that cannot be rewound (stdin, a
// pipe) go over plain HTTP: SigV4 would otherwise need to read it twice to
// hash it. Over HTTPS the SDK already sends UNSIGNED-PAYLOAD.
func unsignedPayloadIfStreaming(body io.Reader) func(*s3.Options) {
	return func(o *s3.Options) {
		if body == nil || seekable(body) {
			return
		}
		o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
	}
}

// withoutDefaultContentType keeps the SDK from sending its default
// Content-Type, application/octet-stream, with a body the caller gave no
// type: nothing is sent and the service applies its own default, as with
// the AWS CLI.
func withoutDefaultContentType(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Serialize.Insert(dropDefaultContentType{}, "OperationSerializer", middleware.After)
	})
}

type dropDefaultContentType struct{}

func (dropDefaultContentType) ID() string { return "qcli.DropDefaultContentType" }

func (dropDefaultContentType) HandleSerialize(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
	middleware.SerializeOutput, middleware.Metadata, error) {
	if req, ok := in.Request.(*smithyhttp.Request); ok && smithyhttp.GetIsContentTypeDefaultValue(ctx) {
		req.Header.Del("Content-Type")
	}
	return next.HandleSerialize(ctx, in)
}

// SignsPayload reports whether requests carry the SHA-256 of their body in
// their signature, as SigV4 does over plain HTTP; over HTTPS the body is
// sent UNSIGNED-PAYLOAD (TLS protects it). A caller that reads a body
// anyway can then hash it on the way and pass PayloadSHA256, saving the
// client a second read of it.
func (c *Client) SignsPayload() bool {
	return !strings.HasPrefix(strings.ToLower(c.cfg.Endpoint), "https://")
}

// payloadHash signs a request with the caller's SHA-256 of the body, so
// that the SDK does not read the body to compute it (only over plain HTTP;
// the SDK's dynamic payload signing sends UNSIGNED-PAYLOAD over HTTPS).
func (c *Client) payloadHash(sha256Hex string) func(*s3.Options) {
	return func(o *s3.Options) {
		if sha256Hex == "" || !c.SignsPayload() {
			return
		}
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("qcliPayloadSHA256",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return next.HandleFinalize(v4.SetPayloadHash(ctx, sha256Hex), in)
				}), (*v4.ComputePayloadSHA256)(nil).ID(), middleware.Before)
		})
	}
}

// withContentMD5 adds Content-MD5 to calls some servers require it on
// (DeleteObjects), which the SDK omits when checksums are WhenRequired.
func withContentMD5(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, smithyhttp.AddContentChecksumMiddleware)
}

// S3 returns the underlying SDK client, for calls this package does not wrap.
// It carries the same endpoint, credentials, retry and checksum settings.
func (c *Client) S3() *s3.Client { return c.s3 }

// Config returns the client's configuration with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// String describes the client without its secret.
func (c *Client) String() string {
	return fmt.Sprintf("qstorage client for %s (%s, %s addressing)", c.cfg.Endpoint, c.cfg.Region, c.cfg.AddressingStyle)
}
