package emulatortest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator"
)

// StartS3 starts a server for tests of the S3 API: multipart parts may be
// as small as 1 KiB, and opts adjust the rest. The SDK client it returns
// makes one attempt per call, so a test sees every error the server gives.
func StartS3(tb testing.TB, opts ...func(*emulator.Options)) (*Server, *s3.Client) {
	tb.Helper()
	o := emulator.Options{MinPartSize: 1024}
	for _, f := range opts {
		f(&o)
	}
	srv := Start(tb, o)
	return srv, srv.S3Client(func(o *s3.Options) { o.RetryMaxAttempts = 1 })
}

// Clock is a server clock (Options.Now) that tests move without sleeping.
type Clock struct{ offset atomic.Int64 }

// Now is the real time moved by every Advance so far.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// RandomBytes returns n bytes that depend only on seed.
func RandomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// MustCreateBucket creates a bucket or fails the test.
func MustCreateBucket(tb testing.TB, c *s3.Client, name string) {
	tb.Helper()
	if _, err := c.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("CreateBucket %s: %v", name, err)
	}
}

// MustPut stores body under bucket/key (fns adjust the input) or fails the
// test.
func MustPut(tb testing.TB, c *s3.Client, bucket, key, body string, fns ...func(*s3.PutObjectInput)) *s3.PutObjectOutput {
	tb.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	for _, f := range fns {
		f(in)
	}
	out, err := c.PutObject(tb.Context(), in)
	if err != nil {
		tb.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

// MustGet returns the body of bucket/key or fails the test.
func MustGet(tb testing.TB, c *s3.Client, bucket, key string) string {
	tb.Helper()
	out, err := c.GetObject(tb.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		tb.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	return ReadAll(tb, out.Body)
}

// ReadAll reads and closes r or fails the test.
func ReadAll(tb testing.TB, r io.ReadCloser) string {
	tb.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// WantAPIError checks that err is an S3 error with the given status and
// code ("" matches any code).
func WantAPIError(tb testing.TB, err error, status int, code string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got success, want %d %s", status, code)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		tb.Fatalf("got %v, want HTTP %d", err, status)
	}
	var ae smithy.APIError
	if code != "" && (!errors.As(err, &ae) || ae.ErrorCode() != code) {
		tb.Fatalf("got %v, want code %s", err, code)
	}
}

// CreateUpload starts a multipart upload and returns its ID.
func CreateUpload(tb testing.TB, c *s3.Client, bucket, key string) string {
	tb.Helper()
	out, err := c.CreateMultipartUpload(tb.Context(), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		tb.Fatalf("create upload: %v", err)
	}
	return aws.ToString(out.UploadId)
}

// PutParts uploads parts as parts 1..n of upload id.
func PutParts(tb testing.TB, c *s3.Client, bucket, key, id string, parts [][]byte) []types.CompletedPart {
	tb.Helper()
	var completed []types.CompletedPart
	for i, p := range parts {
		n := int32(i + 1)
		sum := md5.Sum(p)
		out, err := c.UploadPart(tb.Context(), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
			UploadId: aws.String(id), PartNumber: aws.Int32(n), Body: bytes.NewReader(p),
			ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
		if err != nil {
			tb.Fatalf("upload part %d: %v", n, err)
		}
		completed = append(completed, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag})
	}
	return completed
}

// Complete completes upload id with parts.
func Complete(tb testing.TB, c *s3.Client, bucket, key, id string, parts []types.CompletedPart) error {
	tb.Helper()
	_, err := c.CompleteMultipartUpload(tb.Context(), &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	return err
}

// UploadParts runs a whole multipart upload of parts and returns the
// stored object.
func UploadParts(tb testing.TB, c *s3.Client, bucket, key string, parts [][]byte) string {
	tb.Helper()
	id := CreateUpload(tb, c, bucket, key)
	if err := Complete(tb, c, bucket, key, id, PutParts(tb, c, bucket, key, id, parts)); err != nil {
		tb.Fatalf("complete: %v", err)
	}
	return MustGet(tb, c, bucket, key)
}

// WithCredentials makes an SDK client sign with ak and sk.
func WithCredentials(ak, sk string) func(*s3.Options) {
	return func(o *s3.Options) { o.Credentials = credentials.NewStaticCredentialsProvider(ak, sk, "") }
}

// ErrorDoc is an S3 error document as sent on the wire.
type ErrorDoc struct {
	Code, Message, BucketName, Key, Resource string
	RequestID                                string `xml:"RequestId"`
}

// Response is a response read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// ErrorDoc decodes the body as an S3 error document or fails the test.
func (r Response) ErrorDoc(tb testing.TB) ErrorDoc {
	tb.Helper()
	var d ErrorDoc
	if err := xml.Unmarshal(r.Body, &d); err != nil {
		tb.Fatalf("status %d, body %q is not an error document: %v", r.Status, r.Body, err)
	}
	return d
}

// WantError checks the status and the error code, and that the document
// repeats the x-amz-request-id header.
func (r Response) WantError(tb testing.TB, status int, code string) ErrorDoc {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status %d (body %s), want %d", r.Status, r.Body, status)
	}
	d := r.ErrorDoc(tb)
	if d.Code != code {
		tb.Fatalf("code %s (%s), want %s", d.Code, d.Message, code)
	}
	if d.RequestID == "" || d.RequestID != r.Header.Get("X-Amz-Request-Id") {
		tb.Fatalf("RequestId %q does not match header %q", d.RequestID, r.Header.Get("X-Amz-Request-Id"))
	}
	return d
}

// Do sends req with HTTPClient and reads the whole response.
func (s *Server) Do(tb testing.TB, req *http.Request) Response {
	tb.Helper()
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("reading response: %v", err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// SignedRequest builds a request to the server's path signed with the SDK
// signer, the server's key and its region; payloadHash "" means the
// SHA-256 of body.
func (s *Server) SignedRequest(tb testing.TB, method, path string, body []byte, payloadHash string, header http.Header) *http.Request {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(tb.Context(), creds, req, payloadHash, "s3", s.Region, time.Now()); err != nil {
		tb.Fatal(err)
	}
	return req
}
