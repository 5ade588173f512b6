// Package sigv4 checks what a request's signer vouches for: the SigV4
// signature (Authorization header, presigned query, or a browser POST
// form's policy), the payload hash and aws-chunked chunk signatures, and
// the body digests the request carries (Content-MD5, x-amz-checksum-*).
// Signatures are recomputed with aws-sdk-go-v2's own signer; nothing here
// re-implements SigV4's canonicalisation. The access keys live in Keys.
package sigv4

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

const (
	// Algorithm is the only signing algorithm accepted.
	Algorithm     = "AWS4-HMAC-SHA256"
	amzDateFormat = "20060102T150405Z"
	// MaxPresignSeconds is SigV4's cap on a presigned URL's lifetime (7 days).
	MaxPresignSeconds = 604800
	// UnsignedPayload is the payload hash of a request whose body is not signed.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
)

// Verifier checks request signatures against Keys, for one region.
type Verifier struct {
	Keys    *Keys
	Region  string
	MaxSkew time.Duration    // bound on a header-signed request's clock difference
	Now     func() time.Time // the server clock
}

// Auth is what a verified request proved; PrepareBody builds on it. The
// Auth of an unsigned request proves nothing: its principal is anonymous.
type Auth struct {
	accessKey string
	root      bool
	secret    string
	region    string
	date      time.Time
	signature []byte // seed signature for aws-chunked STREAMING-AWS4-HMAC-SHA256-*
	presigned bool
}

// sigInput is a parsed signature, from the Authorization header or the query.
type sigInput struct {
	accessKey, scopeDate, region, service string
	signedHeaders                         []string
	signature                             string
	date                                  time.Time
}

// Authenticate verifies r's signature, from its Authorization header or its
// presigned query. A request with neither is anonymous, and what it may do
// is package access's decision. Signature Version 2, in the header or the
// query, is refused as S3 refuses it where only SigV4 is served.
func (v *Verifier) Authenticate(r *http.Request) (*Auth, error) {
	q := r.URL.Query()
	presigned := q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Signature") || q.Has("X-Amz-Credential")
	header := r.Header.Get("Authorization")
	switch {
	case presigned && header != "":
		return nil, s3err.Errorf("InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified")
	case presigned:
		return v.authPresigned(r, q)
	case header != "":
		return v.authHeader(r, header)
	case q.Has("AWSAccessKeyId") || q.Has("Signature"):
		return nil, ErrSigV2()
	}
	return &Auth{}, nil
}

// ErrSigV2 answers a request signed with Signature Version 2 (an
// "AWS AKID:signature" header, an AWSAccessKeyId/Signature query, or a POST
// form signed so): S3's answer in the regions that serve only SigV4.
func ErrSigV2() *s3err.Error {
	return s3err.Errorf("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
}

// Principal is who signed the request; anonymous if nobody did.
func (a *Auth) Principal() access.Principal {
	return access.Principal{AccessKey: a.accessKey, Root: a.root}
}

func (v *Verifier) authHeader(r *http.Request, header string) (*Auth, error) {
	in, err := parseAuthorization(header)
	if err != nil {
		return nil, err
	}
	if in.date, err = time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date")); err != nil {
		return nil, s3err.Errorf("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
	}
	if err := v.checkScope(in, "AuthorizationHeaderMalformed"); err != nil {
		return nil, err
	}
	if skew := v.Now().Sub(in.date); skew > v.MaxSkew || skew < -v.MaxSkew {
		return nil, s3err.Errorf("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.").
			With("RequestTime", in.date.Format(amzDateFormat)).With("ServerTime", v.Now().UTC().Format(time.RFC3339)).
			With("MaxAllowedSkewMilliseconds", strconv.FormatInt(v.MaxSkew.Milliseconds(), 10))
	}
	payload, err := payloadHash(r.Header.Get("X-Amz-Content-Sha256"))
	if err != nil {
		return nil, err
	}
	return v.verify(r, in, payload, false)
}

func (v *Verifier) authPresigned(r *http.Request, q url.Values) (*Auth, error) {
	in, err := parsePresigned(q)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(in, "AuthorizationQueryParametersError"); err != nil {
		return nil, err
	}
	expires, _ := strconv.Atoi(q.Get("X-Amz-Expires"))
	now := v.Now()
	if now.After(in.date.Add(time.Duration(expires) * time.Second)) {
		return nil, s3err.Errorf("AccessDenied", "Request has expired").
			With("X-Amz-Expires", q.Get("X-Amz-Expires")).
			With("Expires", in.date.Add(time.Duration(expires)*time.Second).UTC().Format(time.RFC3339)).
			With("ServerTime", now.UTC().Format(time.RFC3339))
	}
	if in.date.After(now.Add(v.MaxSkew)) {
		return nil, s3err.Errorf("AccessDenied", "Request is not valid yet")
	}
	payload := UnsignedPayload
	if v := q.Get("X-Amz-Content-Sha256"); v != "" {
		payload = v
	}
	return v.verify(r, in, payload, true)
}

// parseAuthorization splits "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func parseAuthorization(v string) (*sigInput, error) {
	algo, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if algo != Algorithm {
		return nil, ErrSigV2()
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = val
	}
	in, ok := parseCredential(fields["Credential"])
	if !ok || fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return nil, s3err.Errorf("AuthorizationHeaderMalformed", "The authorization header is malformed; %q", v)
	}
	in.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	in.signature = fields["Signature"]
	return in, nil
}

func parsePresigned(q url.Values) (*sigInput, error) {
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.Get(p) == "" {
			return nil, s3err.Errorf("AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
		}
	}
	if q.Get("X-Amz-Algorithm") != Algorithm {
		return nil, s3err.Errorf("AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	expires, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || expires < 0 {
		return nil, s3err.Errorf("AuthorizationQueryParametersError", "X-Amz-Expires should be a number")
	}
	if expires > MaxPresignSeconds {
		return nil, s3err.Errorf("AuthorizationQueryParametersError", "X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	in, ok := parseCredential(q.Get("X-Amz-Credential"))
	if !ok {
		return nil, s3err.Errorf("AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	if in.date, err = time.Parse(amzDateFormat, q.Get("X-Amz-Date")); err != nil {
		return nil, s3err.Errorf("AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	in.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	in.signature = q.Get("X-Amz-Signature")
	return in, nil
}

// parseCredential splits "AKID/YYYYMMDD/region/service/aws4_request".
func parseCredential(v string) (*sigInput, bool) {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[0] == "" || parts[4] != "aws4_request" {
		return nil, false
	}
	return &sigInput{accessKey: parts[0], scopeDate: parts[1], region: parts[2], service: parts[3]}, true
}

// checkScope rejects a credential scope that cannot belong to this server.
func (v *Verifier) checkScope(in *sigInput, code string) error {
	switch {
	case in.region != v.Region:
		return s3err.Errorf(code, "The authorization header is malformed; the region '%s' is wrong; expecting '%s'", in.region, v.Region).
			With("Region", v.Region)
	case in.service != "s3":
		return s3err.Errorf(code, "The authorization header is malformed; incorrect service %q. This endpoint belongs to \"s3\".", in.service)
	case in.scopeDate != in.date.UTC().Format("20060102"):
		return s3err.Errorf(code, "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.")
	case !containsFold(in.signedHeaders, "host"):
		return s3err.Errorf(code, "The authorization header is malformed; the host header must be signed")
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// payloadHash validates x-amz-content-sha256, which SigV4 for S3 requires.
func payloadHash(v string) (string, error) {
	switch {
	case v == "":
		return "", s3err.Errorf("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
	case v == UnsignedPayload || strings.HasPrefix(v, "STREAMING-"):
		return v, nil
	case len(v) == 64 && isHex(v):
		return strings.ToLower(v), nil
	}
	return "", s3err.Errorf("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a valid sha256 value.").
		With("ArgumentName", "x-amz-content-sha256").With("ArgumentValue", v)
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// verify looks up the key and compares the client's signature with the one
// the SDK signer computes for the same request.
func (v *Verifier) verify(r *http.Request, in *sigInput, payload string, presigned bool) (*Auth, error) {
	secret, err := v.Keys.Secret(in.accessKey)
	if err != nil {
		return nil, err
	}
	creds := aws.Credentials{AccessKeyID: in.accessKey, SecretAccessKey: secret}
	want, err := expectedSignature(r, in, creds, payload, presigned)
	if err != nil {
		return nil, s3err.Internal(err)
	}
	got := strings.ToLower(in.signature)
	if !hmac.Equal([]byte(want), []byte(got)) {
		return nil, s3err.Errorf("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.").
			With("AWSAccessKeyId", in.accessKey)
	}
	seed, _ := hex.DecodeString(got)
	return &Auth{accessKey: in.accessKey, root: v.Keys.IsRoot(in.accessKey), secret: secret, region: in.region,
		date: in.date, signature: seed, presigned: presigned}, nil
}

// expectedSignature re-signs a copy of r carrying only the signed headers.
func expectedSignature(r *http.Request, in *sigInput, creds aws.Credentials, payload string, presigned bool) (string, error) {
	c := signingCopy(r, in.signedHeaders, presigned)
	opts := func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = true // S3 signs the path as sent
		o.DisableHeaderHoisting = true  // hoisted headers are already in the query
	}
	signer := v4.NewSigner()
	if presigned {
		uri, _, err := signer.PresignHTTP(context.Background(), creds, c, payload, in.service, in.region, in.date, opts)
		if err != nil {
			return "", err
		}
		u, err := url.Parse(uri)
		if err != nil {
			return "", err
		}
		return u.Query().Get("X-Amz-Signature"), nil
	}
	if err := signer.SignHTTP(context.Background(), creds, c, payload, in.service, in.region, in.date, opts); err != nil {
		return "", err
	}
	_, sig, _ := strings.Cut(c.Header.Get("Authorization"), "Signature=")
	return sig, nil
}

// signingCopy builds the request the signer sees. The signer adds host
// itself, and content-length only when ContentLength > 0, so ContentLength
// is set only if the client signed it.
func signingCopy(r *http.Request, signed []string, presigned bool) *http.Request {
	u := *r.URL // keeps RawPath, so the escaped path is signed as sent
	u.Host = r.Host
	u.Scheme = "http"
	if r.TLS != nil {
		u.Scheme = "https"
	}
	if presigned {
		q := u.Query()
		q.Del("X-Amz-Signature")
		u.RawQuery = q.Encode()
	}
	c := &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: http.Header{}}
	for _, h := range signed {
		switch name := textproto.CanonicalMIMEHeaderKey(h); name {
		case "Host":
		case "Content-Length":
			c.ContentLength = max(r.ContentLength, 0)
		default:
			c.Header[name] = r.Header.Values(name)
		}
	}
	return c
}

// IsSigned reports whether r carries SigV4 authentication, in its
// Authorization header or its query, whether or not it verifies.
func IsSigned(r *http.Request) bool {
	q := r.URL.Query()
	return strings.HasPrefix(r.Header.Get("Authorization"), Algorithm) ||
		q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
}

// AccessKeyOf is the access key r claims to be signed with ("" if none);
// only meaningful once r has been authenticated.
func AccessKeyOf(r *http.Request) string {
	if in, err := parseAuthorization(r.Header.Get("Authorization")); err == nil {
		return in.accessKey
	}
	if in, ok := parseCredential(r.URL.Query().Get("X-Amz-Credential")); ok {
		return in.accessKey
	}
	return ""
}
