package emulator_test

import (
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator"
)

func withCreds(ak, sk string) func(*s3.Options) {
	return func(o *s3.Options) { o.Credentials = credentials.NewStaticCredentialsProvider(ak, sk, "") }
}

func TestAuthRejectsBadCredentials(t *testing.T) {
	srv, _ := start(t)
	_, err := srv.S3Client(withCreds(srv.AccessKey, "wrong-secret")).ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantAPIError(t, err, 403, "SignatureDoesNotMatch")

	_, err = srv.S3Client(withCreds("UNKNOWNKEY", srv.SecretKey)).ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantAPIError(t, err, 403, "InvalidAccessKeyId")

	_, err = srv.S3Client(func(o *s3.Options) { o.Region = "us-east-1" }).ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantAPIError(t, err, 400, "AuthorizationHeaderMalformed")
}

func TestAuthAnonymousDenied(t *testing.T) {
	srv, _ := start(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	do(t, srv, req).wantError(t, 403, "AccessDenied")
}

func TestAuthCredentialLifecycle(t *testing.T) {
	srv, c := start(t)
	srv.Emulator.SetCredentialActive(srv.AccessKey, false)
	_, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantAPIError(t, err, 403, "InvalidAccessKeyId")

	srv.Emulator.SetCredentialActive(srv.AccessKey, true)
	if _, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}
	srv.Emulator.SetCredential("SECONDKEY", "second/secret")
	if _, err := srv.S3Client(withCreds("SECONDKEY", "second/secret")).ListBuckets(ctx(t), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("added key: %v", err)
	}
}

func TestAuthClockSkew(t *testing.T) {
	clock := &testClock{}
	_, c := start(t, func(o *emulator.Options) { o.Now = clock.Now })
	clock.Advance(20 * time.Minute)
	_, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantAPIError(t, err, 403, "RequestTimeTooSkewed")
	clock.Advance(-40 * time.Minute)
	_, err = c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantAPIError(t, err, 403, "RequestTimeTooSkewed")
}

func TestAuthHeaderTampering(t *testing.T) {
	srv, c := start(t)
	mustBucket(t, c, "bkt")
	hdr := http.Header{"X-Amz-Meta-Color": {"blue"}}
	req := signedRequest(t, srv, http.MethodPut, "/bkt/obj", []byte("data"), "", hdr)
	req.Header.Set("X-Amz-Meta-Color", "red")
	do(t, srv, req).wantError(t, 403, "SignatureDoesNotMatch")

	req = signedRequest(t, srv, http.MethodPut, "/bkt/obj", []byte("data"), "", nil)
	req.URL.Path = "/bkt/other"
	do(t, srv, req).wantError(t, 403, "SignatureDoesNotMatch")

	req = signedRequest(t, srv, http.MethodGet, "/bkt?list-type=2", nil, "", nil)
	req.URL.RawQuery = "list-type=2&prefix=x"
	do(t, srv, req).wantError(t, 403, "SignatureDoesNotMatch")
}

func TestAuthBodyHashMismatchStoresNothing(t *testing.T) {
	srv, c := start(t)
	mustBucket(t, c, "bkt")
	req := signedRequest(t, srv, http.MethodPut, "/bkt/obj", []byte("HELLO"), sha256Hex("hello"), nil)
	do(t, srv, req).wantError(t, 400, "XAmzContentSHA256Mismatch")
	_, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	wantAPIError(t, err, 404, "")

	req = signedRequest(t, srv, http.MethodPut, "/bkt/obj", []byte("anything"), "UNSIGNED-PAYLOAD", nil)
	if r := do(t, srv, req); r.status != 200 {
		t.Fatalf("UNSIGNED-PAYLOAD put: %d %s", r.status, r.body)
	}
	if got := mustGet(t, c, "bkt", "obj"); got != "anything" {
		t.Fatalf("got %q", got)
	}
}

func presignGet(t *testing.T, c *s3.Client, bucket, key string, ttl time.Duration) string {
	t.Helper()
	req, err := s3.NewPresignClient(c).PresignGetObject(ctx(t),
		&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, s3.WithPresignExpires(ttl))
	if err != nil {
		t.Fatal(err)
	}
	return req.URL
}

func rawGet(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestPresignedURLs(t *testing.T) {
	srv, c := start(t)
	mustBucket(t, c, "bkt")
	mustPut(t, c, "bkt", "k", "payload")
	good := presignGet(t, c, "bkt", "k", time.Hour)
	if r := do(t, srv, rawGet(t, http.MethodGet, good, nil)); r.status != 200 || string(r.body) != "payload" {
		t.Fatalf("presigned GET: %d %q", r.status, r.body)
	}
	tampered := map[string]*http.Request{
		"method": rawGet(t, http.MethodDelete, good, nil),
		"path":   rawGet(t, http.MethodGet, strings.Replace(good, "/bkt/k?", "/bkt/k2?", 1), nil),
		"query":  rawGet(t, http.MethodGet, good+"&response-content-type=text%2Fhtml", nil),
		"expiry": rawGet(t, http.MethodGet, strings.Replace(good, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1), nil),
	}
	for name, req := range tampered {
		t.Run(name, func(t *testing.T) { do(t, srv, req).wantError(t, 403, "SignatureDoesNotMatch") })
	}
}

func TestPresignedSignedHeader(t *testing.T) {
	srv, c := start(t)
	mustBucket(t, c, "bkt")
	put, err := s3.NewPresignClient(c).PresignPutObject(ctx(t), &s3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("up"), ContentType: aws.String("text/plain"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(put.URL, "content-type") {
		t.Fatalf("content-type not signed: %s", put.URL)
	}
	req := rawGet(t, http.MethodPut, put.URL, strings.NewReader("hi"))
	req.Header.Set("Content-Type", "text/html")
	do(t, srv, req).wantError(t, 403, "SignatureDoesNotMatch")

	req = rawGet(t, http.MethodPut, put.URL, strings.NewReader("hi"))
	req.Header.Set("Content-Type", "text/plain")
	if r := do(t, srv, req); r.status != 200 {
		t.Fatalf("presigned PUT: %d %s", r.status, r.body)
	}
	if got := mustGet(t, c, "bkt", "up"); got != "hi" {
		t.Fatalf("got %q", got)
	}
}

func TestPresignedExpiry(t *testing.T) {
	clock := &testClock{}
	srv, c := start(t, func(o *emulator.Options) { o.Now = clock.Now })
	mustBucket(t, c, "bkt")
	mustPut(t, c, "bkt", "k", "v")
	u := presignGet(t, c, "bkt", "k", time.Hour)
	clock.Advance(61 * time.Minute)
	d := do(t, srv, rawGet(t, http.MethodGet, u, nil)).wantError(t, 403, "AccessDenied")
	if d.Message != "Request has expired" {
		t.Fatalf("message %q", d.Message)
	}

	week := presignGet(t, c, "bkt", "k", 8*24*time.Hour)
	do(t, srv, rawGet(t, http.MethodGet, week, nil)).wantError(t, 400, "AuthorizationQueryParametersError")
}

// awkwardKeys exercise path escaping in signing and routing.
var awkwardKeys = []string{
	"with space", "plus+sign", "percent%20literal", "question?mark", "hash#tag",
	"ünïcødé/日本語.txt", "a//double/slash", "dir/", "trailing space ", "tilde~and*star",
	"semi;colon=eq&amp", "quote'\"", "back\\slash", "pipe|caret^", "[brackets]{braces}",
}

func TestAwkwardKeysRoundTrip(t *testing.T) {
	srv, c := start(t)
	mustBucket(t, c, "bkt")
	for i, k := range awkwardKeys {
		mustPut(t, c, "bkt", k, "body-"+k)
		if got := mustGet(t, c, "bkt", k); got != "body-"+k {
			t.Fatalf("key %q: got %q", k, got)
		}
		u := presignGet(t, c, "bkt", k, time.Minute)
		if r := do(t, srv, rawGet(t, http.MethodGet, u, nil)); string(r.body) != "body-"+k {
			t.Fatalf("presigned key %d %q: %d %q", i, k, r.status, r.body)
		}
	}
	out, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, o := range out.Contents {
		listed = append(listed, aws.ToString(o.Key))
	}
	want := append([]string(nil), awkwardKeys...)
	sort.Strings(want)
	if strings.Join(listed, "\n") != strings.Join(want, "\n") {
		t.Fatalf("listed %q\nwant %q", listed, want)
	}
}

func TestListEncodingTypeURL(t *testing.T) {
	srv, c := start(t)
	mustBucket(t, c, "bkt")
	mustPut(t, c, "bkt", "a b/c", "x")
	req := signedRequest(t, srv, http.MethodGet, "/bkt?list-type=2&encoding-type=url&delimiter=%2F", nil, "", nil)
	r := do(t, srv, req)
	if r.status != 200 || !strings.Contains(string(r.body), "<Prefix>"+url.QueryEscape("a b/")+"</Prefix>") ||
		!strings.Contains(string(r.body), "<EncodingType>url</EncodingType>") {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
