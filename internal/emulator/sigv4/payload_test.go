package sigv4_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// onlyReader hides Seek so the SDK must stream the body.
type onlyReader struct{ io.Reader }

// TestAWSChunkedFromSDK uses the SDK's default checksum behaviour over TLS,
// which sends aws-chunked bodies with a checksum trailer; the stored object
// must be the plain bytes.
func TestAWSChunkedFromSDK(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	var mu sync.Mutex
	var encodings []string
	srv.Emulator.Observe(func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		encodings = append(encodings, r.Header.Get("Content-Encoding")+" "+r.Header.Get("X-Amz-Content-Sha256"))
	})
	c := srv.S3Client(func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported })
	emulatortest.MustCreateBucket(t, c, "bkt")
	data := emulatortest.RandomBytes(300<<10, 1)
	algs := []types.ChecksumAlgorithm{"", types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1,
		types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmCrc64nvme}
	for _, alg := range algs {
		key := "obj-" + string(alg)
		_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key),
			Body: onlyReader{bytes.NewReader(data)}, ContentLength: aws.Int64(int64(len(data))), ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if got := emulatortest.MustGet(t, c, "bkt", key); got != string(data) {
			t.Fatalf("%s: stored %d bytes, differs from the %d sent", alg, len(got), len(data))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(encodings, "\n"), "aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
		t.Fatalf("the SDK never sent aws-chunked; saw %q", encodings)
	}
}

func TestAWSChunkedMultipartFromSDK(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	c := srv.S3Client(func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported })
	emulatortest.MustCreateBucket(t, c, "bkt")
	parts := [][]byte{emulatortest.RandomBytes(2048, 2), emulatortest.RandomBytes(100, 3)}
	got := emulatortest.UploadParts(t, c, "bkt", "mp", parts)
	if want := string(bytes.Join(parts, nil)); got != want {
		t.Fatalf("multipart object differs: %d bytes, want %d", len(got), len(want))
	}
}

// chunkedBody frames data as unsigned aws-chunked with the given trailer.
func chunkedBody(data []byte, chunk int, trailer string) []byte {
	var b bytes.Buffer
	for len(data) > 0 {
		n := min(chunk, len(data))
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, data[:n])
		data = data[n:]
	}
	fmt.Fprintf(&b, "0\r\n%s\r\n\r\n", trailer)
	return b.Bytes()
}

func crc32Base64(b []byte) string {
	sum := crc32.ChecksumIEEE(b)
	return base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
}

func TestAWSChunkedTrailerMismatch(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	data := []byte("hello, chunked world")
	hdr := http.Header{
		"Content-Encoding":             {"aws-chunked"},
		"X-Amz-Decoded-Content-Length": {fmt.Sprint(len(data))},
		"X-Amz-Trailer":                {"x-amz-checksum-crc32"},
	}
	bad := chunkedBody(data, 7, "x-amz-checksum-crc32:"+crc32Base64([]byte("other")))
	req := srv.SignedRequest(t, http.MethodPut, "/bkt/obj", bad, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", hdr)
	srv.Do(t, req).WantError(t, 400, "BadDigest")
	_, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	emulatortest.WantAPIError(t, err, 404, "")

	good := chunkedBody(data, 7, "x-amz-checksum-crc32:"+crc32Base64(data))
	req = srv.SignedRequest(t, http.MethodPut, "/bkt/obj", good, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", hdr)
	if r := srv.Do(t, req); r.Status != 200 {
		t.Fatalf("good trailer: %d %s", r.Status, r.Body)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != string(data) {
		t.Fatalf("got %q", got)
	}
}

func TestContentMD5AndHeaderChecksum(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	sum := md5.Sum([]byte("other"))
	hdr := http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}
	srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/bkt/a", []byte("data"), "", hdr)).WantError(t, 400, "BadDigest")
	hdr = http.Header{"X-Amz-Checksum-Crc32": {crc32Base64([]byte("other"))}}
	srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/bkt/a", []byte("data"), "", hdr)).WantError(t, 400, "BadDigest")
	hdr = http.Header{"X-Amz-Checksum-Crc32": {crc32Base64([]byte("data"))}}
	if r := srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/bkt/a", []byte("data"), "", hdr)); r.Status != 200 {
		t.Fatalf("matching checksum: %d %s", r.Status, r.Body)
	}
}

// signedChunkedRequest builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD request,
// signing the chunks with the SDK's stream signer; tamper alters one chunk
// after signing.
func signedChunkedRequest(t *testing.T, srv *emulatortest.Server, data []byte, chunk int, tamper bool) *http.Request {
	t.Helper()
	var sizes []int
	for rest := len(data); rest > 0; rest -= chunk {
		sizes = append(sizes, min(chunk, rest))
	}
	sizes = append(sizes, 0)
	encoded := 0
	for _, n := range sizes {
		encoded += len(fmt.Sprintf("%x", n)) + len(";chunk-signature=") + 64 + 2 + n + 2
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, srv.URL+"/bkt/signed", nil)
	req.ContentLength = int64(encoded)
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(data)))
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	now := time.Now().UTC()
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(t.Context(), creds, req, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "s3", srv.Region, now); err != nil {
		t.Fatal(err)
	}
	_, seedHex, _ := strings.Cut(req.Header.Get("Authorization"), "Signature=")
	seed, _ := hex.DecodeString(seedHex)
	stream := v4.NewStreamSigner(creds, "s3", srv.Region, seed)
	var body bytes.Buffer
	for _, n := range sizes {
		piece := append([]byte(nil), data[:n]...)
		data = data[n:]
		sig, _ := stream.GetSignature(t.Context(), nil, piece, now)
		if tamper && n > 0 {
			piece[0] ^= 0xff
		}
		fmt.Fprintf(&body, "%x;chunk-signature=%x\r\n%s\r\n", n, sig, piece)
	}
	req.Body = io.NopCloser(&body)
	return req
}

func TestAWSChunkedSignedChunks(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	data := emulatortest.RandomBytes(10000, 4)
	if r := srv.Do(t, signedChunkedRequest(t, srv, data, 4096, false)); r.Status != 200 {
		t.Fatalf("signed chunks: %d %s", r.Status, r.Body)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "signed"); got != string(data) {
		t.Fatal("stored object differs from the decoded payload")
	}
	srv.Do(t, signedChunkedRequest(t, srv, data, 4096, true)).WantError(t, 403, "SignatureDoesNotMatch")
}

// TestLargePutWithExpectContinue crosses the SDK's 2 MiB threshold for
// "Expect: 100-continue", so the body is only sent after authentication.
func TestLargePutWithExpectContinue(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	data := emulatortest.RandomBytes(3<<20, 12)
	emulatortest.MustPut(t, c, "bkt", "big", string(data))
	if got := emulatortest.MustGet(t, c, "bkt", "big"); got != string(data) {
		t.Fatal("large object differs")
	}
}

// TestChunkedUploadsKeepTheConnection: botocore sends aws-chunked bodies
// with HTTP chunked transfer (no Content-Length). Once the emulator had
// decoded one it told net/http the request had no body, and net/http then
// read the rest of the body after the handler, racing its own next read:
// the server panicked and the client's next request on the connection
// failed.
func TestChunkedUploadsKeepTheConnection(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	hc := srv.HTTPClient()
	for i := range 3 {
		req := srv.SignedRequest(t, http.MethodPut, "/bkt/k", nil, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", http.Header{
			"Content-Encoding": {"aws-chunked"}, "X-Amz-Decoded-Content-Length": {"0"}, "X-Amz-Trailer": {"x-amz-checksum-crc32"}})
		req.Body = io.NopCloser(strings.NewReader("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")) // CRC32 of nothing
		req.ContentLength = -1
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("request %d on the connection: %v", i+1, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
		}
	}
}
