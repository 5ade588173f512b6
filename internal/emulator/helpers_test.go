package emulator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// testClock is a server clock that tests can move without sleeping.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// start runs an emulator (small MinPartSize) and returns a client for it.
func start(t *testing.T, opts ...func(*emulator.Options)) (*emulatortest.Server, *s3.Client) {
	t.Helper()
	o := emulator.Options{MinPartSize: 1024}
	for _, f := range opts {
		f(&o)
	}
	srv := emulatortest.Start(t, o)
	return srv, srv.S3Client(func(o *s3.Options) { o.RetryMaxAttempts = 1 })
}

func ctx(t *testing.T) context.Context { return t.Context() }

func mustBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func mustPut(t *testing.T, c *s3.Client, bucket, key, body string, fns ...func(*s3.PutObjectInput)) *s3.PutObjectOutput {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	for _, f := range fns {
		f(in)
	}
	out, err := c.PutObject(ctx(t), in)
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

func mustGet(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("reading %s/%s: %v", bucket, key, err)
	}
	return string(b)
}

// wantAPIError checks that err is an S3 error with the given status and code.
func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %d %s", status, code)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("got %v, want HTTP %d", err, status)
	}
	var ae smithy.APIError
	if code != "" && (!errors.As(err, &ae) || ae.ErrorCode() != code) {
		t.Fatalf("got %v, want code %s", err, code)
	}
}

// errorDoc is an S3 error document as sent on the wire.
type errorDoc struct {
	Code, Message, BucketName, Key, Resource string
	RequestID                                string `xml:"RequestId"`
}

// rawResponse is a response read in full.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r rawResponse) errorDoc(t *testing.T) errorDoc {
	t.Helper()
	var d errorDoc
	if err := xml.Unmarshal(r.body, &d); err != nil {
		t.Fatalf("status %d, body %q is not an error document: %v", r.status, r.body, err)
	}
	return d
}

func (r rawResponse) wantError(t *testing.T, status int, code string) errorDoc {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d (body %s), want %d", r.status, r.body, status)
	}
	d := r.errorDoc(t)
	if d.Code != code {
		t.Fatalf("code %s (%s), want %s", d.Code, d.Message, code)
	}
	if d.RequestID == "" || d.RequestID != r.header.Get("X-Amz-Request-Id") {
		t.Fatalf("RequestId %q does not match header %q", d.RequestID, r.header.Get("X-Amz-Request-Id"))
	}
	return d
}

func do(t *testing.T, srv *emulatortest.Server, req *http.Request) rawResponse {
	t.Helper()
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: body}
}

// signedRequest builds a request signed with the SDK signer; payloadHash ""
// means the SHA-256 of body.
func signedRequest(t *testing.T, srv *emulatortest.Server, method, path string, body []byte, payloadHash string, header http.Header) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(ctx(t), creds, req, payloadHash, "s3", emulatortest.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
