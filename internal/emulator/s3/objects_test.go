package s3_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestConditionalGetAndHead(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.Now = clock.Now })
	emulatortest.MustCreateBucket(t, c, "bkt")
	etag := aws.ToString(emulatortest.MustPut(t, c, "bkt", "obj", "0123456789").ETag)
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	get := func(f func(*s3.GetObjectInput)) error {
		in := &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")}
		f(in)
		out, err := c.GetObject(t.Context(), in)
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	emulatortest.WantAPIError(t, get(func(in *s3.GetObjectInput) { in.IfMatch = aws.String(`"nope"`) }), 412, "PreconditionFailed")
	emulatortest.WantAPIError(t, get(func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(etag) }), 304, "")
	emulatortest.WantAPIError(t, get(func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(future) }), 304, "")
	emulatortest.WantAPIError(t, get(func(in *s3.GetObjectInput) { in.IfUnmodifiedSince = aws.Time(past) }), 412, "PreconditionFailed")
	for name, f := range map[string]func(*s3.GetObjectInput){
		"if-match":               func(in *s3.GetObjectInput) { in.IfMatch = aws.String(etag) },
		"if-none-match other":    func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(`"other"`) },
		"if-modified-since past": func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(past) },
		"if-match beats unmodified-since": func(in *s3.GetObjectInput) {
			in.IfMatch, in.IfUnmodifiedSince = aws.String(etag), aws.Time(past)
		},
	} {
		if err := get(f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	_, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj"), IfMatch: aws.String(`"nope"`)})
	emulatortest.WantAPIError(t, err, 412, "")
	_, err = c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj"), IfNoneMatch: aws.String(etag)})
	emulatortest.WantAPIError(t, err, 304, "")
}

func TestRangeGet(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "0123456789")
	for rng, want := range map[string]string{"bytes=2-4": "234", "bytes=7-": "789", "bytes=-3": "789", "bytes=-50": "0123456789", "bytes=8-100": "89"} {
		out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj"), Range: aws.String(rng)})
		if err != nil {
			t.Fatalf("%s: %v", rng, err)
		}
		if got := emulatortest.ReadAll(t, out.Body); got != want || !strings.HasSuffix(aws.ToString(out.ContentRange), "/10") {
			t.Fatalf("%s: %q (%s), want %q", rng, got, aws.ToString(out.ContentRange), want)
		}
	}
	_, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj"), Range: aws.String("bytes=10-")})
	emulatortest.WantAPIError(t, err, 416, "InvalidRange")
}

func TestObjectMetadataAndCopy(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "src", "payload", func(in *s3.PutObjectInput) {
		in.ContentType, in.Metadata, in.Tagging = aws.String("text/plain"), map[string]string{"color": "blue"}, aws.String("t=1")
	})
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src")})
	if err != nil || aws.ToString(head.ContentType) != "text/plain" || head.Metadata["color"] != "blue" || aws.ToInt32(head.TagCount) != 1 {
		t.Fatalf("head %+v %v", head, err)
	}
	if _, err := c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("copy"), CopySource: aws.String("bkt/src")}); err != nil {
		t.Fatal(err)
	}
	head, _ = c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("copy")})
	if head.Metadata["color"] != "blue" || aws.ToInt32(head.TagCount) != 1 || emulatortest.MustGet(t, c, "bkt", "copy") != "payload" {
		t.Fatalf("COPY directive lost metadata: %+v", head.Metadata)
	}
	_, err = c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src"), CopySource: aws.String("bkt/src"),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"shape": "round"}})
	if err != nil {
		t.Fatal(err)
	}
	head, _ = c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src")})
	if head.Metadata["shape"] != "round" || head.Metadata["color"] != "" {
		t.Fatalf("REPLACE directive kept old metadata: %v", head.Metadata)
	}
	_, err = c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src"), CopySource: aws.String("bkt/src")})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
}

func TestConditionalPut(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "v1")
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj"),
		Body: strings.NewReader("v2"), IfNoneMatch: aws.String("*")})
	emulatortest.WantAPIError(t, err, 412, "PreconditionFailed")
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != "v1" {
		t.Fatalf("got %q", got)
	}
}

func TestDeleteObjectsAndObserve(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	c := srv.S3Client(func(o *s3.Options) { o.APIOptions = append(o.APIOptions, smithyhttp.AddContentChecksumMiddleware) })
	var deletes atomic.Int32
	srv.Emulator.Observe(func(r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Query().Has("delete") {
			deletes.Add(1)
		}
	})
	emulatortest.MustCreateBucket(t, c, "bkt")
	for _, k := range []string{"a", "b", "c"} {
		emulatortest.MustPut(t, c, "bkt", k, k)
	}
	out, err := c.DeleteObjects(t.Context(), &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("b")}, {Key: aws.String("zzz")}},
	}})
	if err != nil || len(out.Deleted) != 3 || deletes.Load() != 1 {
		t.Fatalf("DeleteObjects %+v %v (observed %d)", out, err, deletes.Load())
	}
	list, _ := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "c" {
		t.Fatalf("left %+v", list.Contents)
	}
}

// TestDeleteObjectsTakesAnyDigest: S3 wants Content-MD5 or any
// x-amz-checksum-* on DeleteObjects; current SDKs send a CRC and no MD5.
func TestDeleteObjectsTakesAnyDigest(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	var sent []http.Header
	var mu sync.Mutex
	srv.Emulator.Observe(func(r *http.Request) {
		if r.URL.Query().Has("delete") {
			mu.Lock()
			sent = append(sent, r.Header.Clone())
			mu.Unlock()
		}
	})
	emulatortest.MustCreateBucket(t, c, "bkt")
	deleteKey := func(c *s3.Client, alg types.ChecksumAlgorithm) error {
		emulatortest.MustPut(t, c, "bkt", "k", "v")
		_, err := c.DeleteObjects(t.Context(), &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), ChecksumAlgorithm: alg,
			Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}})
		return err
	}
	// The SDK's default (checksums when required) sends CRC32 without MD5.
	if err := deleteKey(c, ""); err != nil {
		t.Fatalf("DeleteObjects as the SDK sends it: %v", err)
	}
	if h := sent[0]; h.Get("Content-Md5") != "" || h.Get("X-Amz-Checksum-Crc32") == "" {
		t.Fatalf("the SDK sent %v; the test wants CRC32 and no Content-MD5", h)
	}
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmSha512} {
		if err := deleteKey(c, alg); err != nil {
			t.Errorf("DeleteObjects with %s: %v", alg, err)
		}
	}

	body := []byte(`<Delete><Object><Key>k</Key></Object></Delete>`)
	emulatortest.MustPut(t, c, "bkt", "k", "v")
	srv.Do(t, srv.SignedRequest(t, http.MethodPost, "/bkt?delete", body, "", nil)).WantError(t, 400, "InvalidRequest")
	wrong := http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}}
	srv.Do(t, srv.SignedRequest(t, http.MethodPost, "/bkt?delete", body, "", wrong)).WantError(t, 400, "BadDigest")
	if got := emulatortest.MustGet(t, c, "bkt", "k"); got != "v" {
		t.Fatalf("a refused DeleteObjects deleted the key: %q", got)
	}
}

func TestDeleteObjectsQuietAndLimit(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	c := srv.S3Client(func(o *s3.Options) { o.APIOptions = append(o.APIOptions, smithyhttp.AddContentChecksumMiddleware) })
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "a", "a")
	out, err := c.DeleteObjects(t.Context(), &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}}, Quiet: aws.Bool(true)}})
	if err != nil || len(out.Deleted) != 0 || len(out.Errors) != 0 {
		t.Fatalf("quiet DeleteObjects %+v %v", out, err)
	}
	var many []types.ObjectIdentifier
	for i := range 1001 {
		many = append(many, types.ObjectIdentifier{Key: aws.String(fmt.Sprint(i))})
	}
	_, err = c.DeleteObjects(t.Context(), &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{Objects: many}})
	emulatortest.WantAPIError(t, err, 400, "MalformedXML")
}

func TestRequestIDOnEveryResponse(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	for _, req := range []*http.Request{
		srv.SignedRequest(t, http.MethodGet, "/", nil, "", nil),
		srv.SignedRequest(t, http.MethodHead, "/bkt", nil, "", nil),
		srv.SignedRequest(t, http.MethodGet, "/bkt/missing", nil, "", nil),
	} {
		if r := srv.Do(t, req); r.Header.Get("X-Amz-Request-Id") == "" {
			t.Fatalf("%s %s: no x-amz-request-id", req.Method, req.URL)
		}
	}
	d := srv.Do(t, srv.SignedRequest(t, http.MethodGet, "/bkt/missing", nil, "", nil)).WantError(t, 404, "NoSuchKey")
	if d.Key != "missing" || d.Resource != "/bkt/missing" {
		t.Fatalf("error document %+v", d)
	}
}

func TestVirtualHostedAddressing(t *testing.T) {
	srv, _ := emulatortest.StartS3(t, func(o *emulator.Options) { o.HostBases = []string{"example.com"} })
	hc := srv.HTTPClient()
	tr := hc.Transport.(*http.Transport)
	addr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr) // every bucket.example.com is this server
	}
	_, port, _ := net.SplitHostPort(addr)
	c := srv.S3Client(func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle, o.HTTPClient = aws.String("https://example.com:"+port), false, hc
	})
	emulatortest.MustCreateBucket(t, c, "vhost")
	emulatortest.MustPut(t, c, "vhost", "dir/key one", "hello")
	if got := emulatortest.MustGet(t, c, "vhost", "dir/key one"); got != "hello" {
		t.Fatalf("got %q", got)
	}
	path := srv.S3Client()
	if got := emulatortest.MustGet(t, path, "vhost", "dir/key one"); got != "hello" {
		t.Fatalf("path-style read of a virtual-hosted write: %q", got)
	}
}

// TestReadRangeAndPartErrors: ranged and ?partNumber reads fail as S3's
// do: 400 for a part number that cannot be, or one combined with Range,
// 416 for a part or range beyond the object.
func TestReadRangeAndPartErrors(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "0123456789")
	get := func(method, query, rng string) emulatortest.Response {
		h := http.Header{}
		if rng != "" {
			h.Set("Range", rng)
		}
		return srv.Do(t, srv.SignedRequest(t, method, "/bkt/obj"+query, nil, "", h))
	}
	get(http.MethodGet, "?partNumber=0", "").WantError(t, 400, "InvalidArgument")
	get(http.MethodGet, "?partNumber=10001", "").WantError(t, 400, "InvalidArgument")
	get(http.MethodGet, "?partNumber=x", "").WantError(t, 400, "InvalidArgument")
	get(http.MethodGet, "?partNumber=1", "bytes=0-1").WantError(t, 400, "InvalidRequest")
	get(http.MethodGet, "?partNumber=2", "").WantError(t, 416, "InvalidPartNumber")
	r := get(http.MethodGet, "", "bytes=10-20")
	r.WantError(t, 416, "InvalidRange")
	if got := r.Header.Get("Content-Range"); got != "bytes */10" {
		t.Fatalf("416 Content-Range %q", got)
	}
	if r := get(http.MethodHead, "", "bytes=10-"); r.Status != 416 {
		t.Fatalf("HEAD of an unsatisfiable range: %d", r.Status)
	}
	if r := get(http.MethodGet, "?partNumber=1", ""); r.Status != 206 || string(r.Body) != "0123456789" || r.Header.Get("Content-Range") != "bytes 0-9/10" {
		t.Fatalf("part 1 of a single-part object: %d %q %v", r.Status, r.Body, r.Header)
	}
	for _, ignored := range []string{"bytes=5-2", "bytes=a-b", "items=0-1", "bytes=0-1,3-4"} {
		if r := get(http.MethodGet, "", ignored); r.Status != 200 || string(r.Body) != "0123456789" {
			t.Fatalf("Range %q, which S3 ignores: %d %q", ignored, r.Status, r.Body)
		}
	}
}

// TestChunkedUploadWithoutContentLength: S3 takes an aws-chunked body sent
// with Transfer-Encoding: chunked and no Content-Length, its length in
// x-amz-decoded-content-length; a plain chunked body it refuses with 411.
func TestChunkedUploadWithoutContentLength(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	data := "hello, chunked world"
	framed := fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", len(data), data, sum(types.ChecksumAlgorithmCrc32, []byte(data)))
	send := func(key, body, payload string, h http.Header) emulatortest.Response {
		req := srv.SignedRequest(t, http.MethodPut, "/bkt/"+key, nil, payload, h)
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), -1 // Transfer-Encoding: chunked
		return srv.Do(t, req)
	}
	r := send("framed", framed, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", http.Header{
		"Content-Encoding": {"aws-chunked"}, "X-Amz-Decoded-Content-Length": {strconv.Itoa(len(data))},
		"X-Amz-Trailer": {"x-amz-checksum-crc32"}})
	if r.Status != 200 {
		t.Fatalf("aws-chunked without Content-Length: %d %s", r.Status, r.Body)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "framed"); got != data {
		t.Fatalf("stored %q", got)
	}
	send("plain", data, "UNSIGNED-PAYLOAD", nil).WantError(t, 411, "MissingContentLength")
	send("nolength", framed, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", http.Header{
		"Content-Encoding": {"aws-chunked"}, "X-Amz-Trailer": {"x-amz-checksum-crc32"}}).WantError(t, 411, "MissingContentLength")
}
