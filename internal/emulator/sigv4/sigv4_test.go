package sigv4_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestAuthRejectsBadCredentials(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	_, err := srv.S3Client(emulatortest.WithCredentials(srv.AccessKey, "wrong-secret")).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 403, "SignatureDoesNotMatch")

	_, err = srv.S3Client(emulatortest.WithCredentials("UNKNOWNKEY", srv.SecretKey)).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 403, "InvalidAccessKeyId")

	_, err = srv.S3Client(func(o *s3.Options) { o.Region = "us-east-1" }).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 400, "AuthorizationHeaderMalformed")
}

// TestAuthSigV2Refused: Signature Version 2, in the header, the query or a
// POST form, gets S3's answer from the regions that serve only SigV4,
// which names the algorithm to use, whether or not it would verify.
func TestAuthSigV2Refused(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "k", "v")
	header := rawGet(t, http.MethodGet, srv.URL+"/bkt/k", nil)
	header.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	header.Header.Set("Authorization", "AWS "+srv.AccessKey+":bWFkZSB1cCBzaWduYXR1cmU=")
	query := rawGet(t, http.MethodGet, srv.URL+"/bkt/k?AWSAccessKeyId="+srv.AccessKey+"&Expires=4102444800&Signature=bWFkZSB1cA%3D%3D", nil)
	form := emulatortest.PostFormRequest(t, srv.URL+"/bkt", map[string]string{
		"key": "k", "AWSAccessKeyId": srv.AccessKey, "policy": "e30=", "signature": "bWFkZSB1cA==",
	}, "f", "evil")
	for name, req := range map[string]*http.Request{"header": header, "query": query, "POST form": form} {
		d := srv.Do(t, req).WantError(t, 400, "InvalidRequest")
		if !strings.Contains(d.Message, "AWS4-HMAC-SHA256") {
			t.Errorf("%s: message %q does not name SigV4", name, d.Message)
		}
	}
	if got := emulatortest.MustGet(t, c, "bkt", "k"); got != "v" {
		t.Fatalf("a SigV2 POST changed the object to %q", got)
	}
}

func TestAuthAnonymousDenied(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	srv.Do(t, req).WantError(t, 403, "AccessDenied")
}

func TestAuthCredentialLifecycle(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	srv.Emulator.SetCredentialActive(srv.AccessKey, false)
	_, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 403, "InvalidAccessKeyId")

	srv.Emulator.SetCredentialActive(srv.AccessKey, true)
	if _, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}
	srv.Emulator.SetCredential("SECONDKEY", "second/secret")
	if _, err := srv.S3Client(emulatortest.WithCredentials("SECONDKEY", "second/secret")).ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("added key: %v", err)
	}
}

func TestAuthClockSkew(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.Now = clock.Now })
	clock.Advance(20 * time.Minute)
	_, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 403, "RequestTimeTooSkewed")
	clock.Advance(-40 * time.Minute)
	_, err = c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 403, "RequestTimeTooSkewed")
}

func TestAuthHeaderTampering(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	hdr := http.Header{"X-Amz-Meta-Color": {"blue"}}
	req := srv.SignedRequest(t, http.MethodPut, "/bkt/obj", []byte("data"), "", hdr)
	req.Header.Set("X-Amz-Meta-Color", "red")
	srv.Do(t, req).WantError(t, 403, "SignatureDoesNotMatch")

	req = srv.SignedRequest(t, http.MethodPut, "/bkt/obj", []byte("data"), "", nil)
	req.URL.Path = "/bkt/other"
	srv.Do(t, req).WantError(t, 403, "SignatureDoesNotMatch")

	req = srv.SignedRequest(t, http.MethodGet, "/bkt?list-type=2", nil, "", nil)
	req.URL.RawQuery = "list-type=2&prefix=x"
	srv.Do(t, req).WantError(t, 403, "SignatureDoesNotMatch")
}

func TestAuthBodyHashMismatchStoresNothing(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	lower := sha256.Sum256([]byte("hello"))
	req := srv.SignedRequest(t, http.MethodPut, "/bkt/obj", []byte("HELLO"), hex.EncodeToString(lower[:]), nil)
	srv.Do(t, req).WantError(t, 400, "XAmzContentSHA256Mismatch")
	_, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	emulatortest.WantAPIError(t, err, 404, "")

	req = srv.SignedRequest(t, http.MethodPut, "/bkt/obj", []byte("anything"), "UNSIGNED-PAYLOAD", nil)
	if r := srv.Do(t, req); r.Status != 200 {
		t.Fatalf("UNSIGNED-PAYLOAD put: %d %s", r.Status, r.Body)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != "anything" {
		t.Fatalf("got %q", got)
	}
}

func presignGet(t *testing.T, c *s3.Client, bucket, key string, ttl time.Duration) string {
	t.Helper()
	req, err := s3.NewPresignClient(c).PresignGetObject(t.Context(),
		&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, s3.WithPresignExpires(ttl))
	if err != nil {
		t.Fatal(err)
	}
	return req.URL
}

func rawGet(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestPresignedURLs(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "k", "payload")
	good := presignGet(t, c, "bkt", "k", time.Hour)
	if r := srv.Do(t, rawGet(t, http.MethodGet, good, nil)); r.Status != 200 || string(r.Body) != "payload" {
		t.Fatalf("presigned GET: %d %q", r.Status, r.Body)
	}
	tampered := map[string]*http.Request{
		"method": rawGet(t, http.MethodDelete, good, nil),
		"path":   rawGet(t, http.MethodGet, strings.Replace(good, "/bkt/k?", "/bkt/k2?", 1), nil),
		"query":  rawGet(t, http.MethodGet, good+"&response-content-type=text%2Fhtml", nil),
		"expiry": rawGet(t, http.MethodGet, strings.Replace(good, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1), nil),
	}
	for name, req := range tampered {
		t.Run(name, func(t *testing.T) { srv.Do(t, req).WantError(t, 403, "SignatureDoesNotMatch") })
	}
}

func TestPresignedSignedHeader(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	put, err := s3.NewPresignClient(c).PresignPutObject(t.Context(), &s3.PutObjectInput{
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
	srv.Do(t, req).WantError(t, 403, "SignatureDoesNotMatch")

	req = rawGet(t, http.MethodPut, put.URL, strings.NewReader("hi"))
	req.Header.Set("Content-Type", "text/plain")
	if r := srv.Do(t, req); r.Status != 200 {
		t.Fatalf("presigned PUT: %d %s", r.Status, r.Body)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "up"); got != "hi" {
		t.Fatalf("got %q", got)
	}
}

func TestPresignedExpiry(t *testing.T) {
	clock := &emulatortest.Clock{}
	srv, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.Now = clock.Now })
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "k", "v")
	u := presignGet(t, c, "bkt", "k", time.Hour)
	clock.Advance(61 * time.Minute)
	d := srv.Do(t, rawGet(t, http.MethodGet, u, nil)).WantError(t, 403, "AccessDenied")
	if d.Message != "Request has expired" {
		t.Fatalf("message %q", d.Message)
	}

	week := presignGet(t, c, "bkt", "k", 8*24*time.Hour)
	srv.Do(t, rawGet(t, http.MethodGet, week, nil)).WantError(t, 400, "AuthorizationQueryParametersError")
}

// awkwardKeys exercise path escaping in signing and routing.
var awkwardKeys = []string{
	"with space", "plus+sign", "percent%20literal", "question?mark", "hash#tag",
	"ünïcødé/日本語.txt", "a//double/slash", "dir/", "trailing space ", "tilde~and*star",
	"semi;colon=eq&amp", "quote'\"", "back\\slash", "pipe|caret^", "[brackets]{braces}",
}

func TestAwkwardKeysRoundTrip(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	for i, k := range awkwardKeys {
		emulatortest.MustPut(t, c, "bkt", k, "body-"+k)
		if got := emulatortest.MustGet(t, c, "bkt", k); got != "body-"+k {
			t.Fatalf("key %q: got %q", k, got)
		}
		u := presignGet(t, c, "bkt", k, time.Minute)
		if r := srv.Do(t, rawGet(t, http.MethodGet, u, nil)); string(r.Body) != "body-"+k {
			t.Fatalf("presigned key %d %q: %d %q", i, k, r.Status, r.Body)
		}
	}
	out, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
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
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "a b/c", "x")
	req := srv.SignedRequest(t, http.MethodGet, "/bkt?list-type=2&encoding-type=url&delimiter=%2F", nil, "", nil)
	r := srv.Do(t, req)
	if r.Status != 200 || !strings.Contains(string(r.Body), "<Prefix>a%20b/</Prefix>") ||
		!strings.Contains(string(r.Body), "<EncodingType>url</EncodingType>") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}
