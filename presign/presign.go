// Package presign makes presigned QStorage URLs: GET, PUT, HEAD and DELETE
// of an object, PUT of one part of a multipart upload, and browser POST
// forms bound by a policy.
//
// A presigned URL lets someone with no credentials make one kind of request
// until it expires, with any HTTP client (curl, a browser, net/http). The
// URLs come from aws-sdk-go-v2's own presigner, built from a *client.Client,
// so endpoint, region, credentials and addressing style are exactly the
// client's.
//
// Headers that a URL pins (content type, Content-MD5, metadata, ACL,
// encryption) are signed: the caller must send them byte for byte, and they
// are returned in Request.Header for that reason.
package presign

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
)

// Expiry limits. SigV4 caps a presigned URL at 7 days; the SDK signs longer
// lifetimes without complaint and the service then rejects them, so the
// limit is checked here, before anything is signed.
const (
	DefaultExpiry = time.Hour
	MinExpiry     = time.Second
	MaxExpiry     = client.MaxPresignSeconds * time.Second
)

// Presigner makes presigned requests with a client's configuration. It is
// safe for concurrent use.
type Presigner struct {
	pc *s3.PresignClient
}

// New returns a Presigner using c's endpoint, region, credentials and
// addressing style. c must not be nil.
func New(c *client.Client) *Presigner {
	return &Presigner{pc: s3.NewPresignClient(c.S3(), s3.WithPresignClientFromClientOptions(noChecksums))}
}

// noChecksums makes sure no checksum is pinned into a URL: the body is not
// known at presign time, so a signed x-amz-checksum-* (of the empty body)
// would break every upload. s3 v1.114 already drops default checksums when
// presigning; this keeps a profile with checksum_mode when_supported safe
// should that change.
func noChecksums(o *s3.Options) {
	o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
}

// Request is a presigned HTTP request: what any HTTP client must send.
type Request struct {
	// Method is the HTTP method the signature is for.
	Method string
	// URL carries the signature in its query; send it unchanged.
	URL string
	// Header holds the signed headers other than Host (which HTTP clients
	// derive from the URL). Each must be sent with exactly this value.
	Header http.Header
	// Expires is when the service starts refusing the URL.
	Expires time.Time
}

// expiry resolves a requested lifetime: 0 means DefaultExpiry.
func expiry(d time.Duration) (time.Duration, error) {
	if d == 0 {
		return DefaultExpiry, nil
	}
	return d, CheckExpiry(d)
}

// CheckExpiry reports whether d is a lifetime SigV4 accepts: whole seconds
// from 1 second to 7 days.
func CheckExpiry(d time.Duration) error {
	bad := func(problem string) error {
		return &client.ValidationError{Field: "expiry", Value: d.String(), Problem: problem,
			Fix: "use 1s to 7d (604800 seconds)"}
	}
	switch {
	case d < MinExpiry:
		return bad("is shorter than 1 second")
	case d > MaxExpiry:
		return bad("is longer than 7 days")
	case d%time.Second != 0:
		return bad("is not a whole number of seconds")
	}
	return nil
}

// fromSDK converts the SDK's answer, working out the expiry from the signed
// X-Amz-Date so that it matches what the service will compute.
func fromSDK(r *v4.PresignedHTTPRequest, d time.Duration) (*Request, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, fmt.Errorf("presign: the SDK returned an unparsable URL: %w", err)
	}
	signed, err := parseAmzDate(u.Query().Get("X-Amz-Date"))
	if err != nil {
		return nil, err
	}
	h := r.SignedHeader.Clone()
	h.Del("Host")
	return &Request{Method: r.Method, URL: r.URL, Header: h, Expires: signed.Add(d)}, nil
}

func parseAmzDate(s string) (time.Time, error) {
	t, err := time.Parse("20060102T150405Z", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("presign: the SDK signed with an unparsable X-Amz-Date %q", s)
	}
	return t, nil
}

// presignFn is one of the SDK presigner's methods.
type presignFn[In any] func(context.Context, *In, ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)

// sign runs an SDK presign call for lifetime d (already checked).
func sign[In any](ctx context.Context, fn presignFn[In], in *In, d time.Duration) (*Request, error) {
	r, err := fn(ctx, in, s3.WithPresignExpires(d))
	if err != nil {
		return nil, fmt.Errorf("presign: %w", err)
	}
	return fromSDK(r, d)
}
