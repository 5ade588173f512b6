package presign_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/presign"
)

func TestGetObject(t *testing.T) {
	e := start(t)
	e.put(t, "docs/report 2026+final.txt", "the report")
	r, err := e.p.GetObject(t.Context(), presign.GetObjectInput{
		Bucket: "bkt", Key: "docs/report 2026+final.txt", VersionID: "null",
		ResponseContentDisposition: `attachment; filename="report.txt"`, ResponseContentType: "application/x-report",
		ExpiresIn: 5 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != http.MethodGet || len(r.Header) != 0 {
		t.Errorf("method %s, headers %v: a GET needs no headers", r.Method, r.Header)
	}
	resp := e.sendRequest(t, r, "")
	wantStatus(t, "GET", resp, 200)
	if resp.body != "the report" || resp.header.Get("Content-Disposition") != `attachment; filename="report.txt"` || resp.header.Get("Content-Type") != "application/x-report" {
		t.Errorf("body %q, headers %v", resp.body, resp.header)
	}
	q := mustQuery(t, r.URL)
	signed, _ := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if q.Get("X-Amz-Expires") != "300" || !r.Expires.Equal(signed.Add(5*time.Minute)) || q.Get("versionId") != "null" {
		t.Errorf("query %v, Expires %v", q, r.Expires)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestPutObjectPinsAndReturnsHeaders(t *testing.T) {
	e := start(t)
	body := "uploaded by CI"
	sum := md5.Sum([]byte(body))
	r, err := e.p.PutObject(t.Context(), presign.PutObjectInput{
		Bucket: "bkt", Key: "builds/app.tar", ContentType: "application/x-tar",
		ContentMD5: base64.StdEncoding.EncodeToString(sum[:]), Metadata: map[string]string{"commit": "abc123"},
		ACL: "public-read", ServerSideEncryption: client.SSEAES256,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Content-Type": "application/x-tar", "Content-Md5": base64.StdEncoding.EncodeToString(sum[:]),
		"X-Amz-Meta-Commit": "abc123", "X-Amz-Acl": "public-read", "X-Amz-Server-Side-Encryption": "AES256"}
	for k, v := range want {
		if r.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, r.Header.Get(k), v)
		}
	}
	if len(r.Header) != len(want) || r.Method != http.MethodPut {
		t.Errorf("%s with headers %v, want exactly %v", r.Method, r.Header, want)
	}
	wantStatus(t, "PUT with another body", e.sendRequest(t, r, "tampered body!"), 400) // Content-MD5 pins the body
	wantStatus(t, "PUT", e.sendRequest(t, r, body), 200)

	got, info := e.get(t, "builds/app.tar")
	if got != body || info.ContentType != "application/x-tar" || info.Metadata["commit"] != "abc123" || info.SSE != "AES256" {
		t.Errorf("stored %q %+v", got, info)
	}
	acl, err := e.c.S3().GetObjectAcl(t.Context(), &s3.GetObjectAclInput{Bucket: aws.String("bkt"), Key: aws.String("builds/app.tar")})
	if err != nil || len(acl.Grants) != 2 {
		t.Errorf("public-read ACL not applied: %v %v", err, acl)
	}
}

func TestHeadAndDeleteObject(t *testing.T) {
	e := start(t)
	e.put(t, "k", "12345")
	head, err := e.p.HeadObject(t.Context(), presign.HeadObjectInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	resp := e.sendRequest(t, head, "")
	wantStatus(t, "HEAD", resp, 200)
	if resp.header.Get("Content-Length") != "5" || resp.header.Get("ETag") == "" {
		t.Errorf("HEAD headers %v", resp.header)
	}
	del, err := e.p.DeleteObject(t.Context(), presign.DeleteObjectInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "DELETE", e.sendRequest(t, del, ""), 204)
	wantStatus(t, "HEAD after DELETE", e.sendRequest(t, head, ""), 404)
}

// TestUploadPart is a browser-style multipart upload: the server starts
// and completes it; the uploader only PUTs parts to presigned URLs.
func TestUploadPart(t *testing.T) {
	e := start(t)
	up, err := e.c.CreateMultipartUpload(t.Context(), client.CreateMultipartUploadInput{Bucket: "bkt", Key: "big"})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	var parts []client.CompletedPart
	for i, chunk := range []string{"first part|", "second part|", "end"} {
		n := int32(i + 1)
		r, err := e.p.UploadPart(t.Context(), presign.UploadPartInput{Bucket: "bkt", Key: "big", UploadID: id, PartNumber: n})
		if err != nil {
			t.Fatal(err)
		}
		resp := e.sendRequest(t, r, chunk)
		wantStatus(t, "UploadPart", resp, 200)
		parts = append(parts, client.CompletedPart{PartNumber: n, ETag: resp.header.Get("ETag")})
	}
	if _, err := e.c.CompleteMultipartUpload(t.Context(), client.CompleteMultipartUploadInput{Bucket: "bkt", Key: "big", UploadID: id, Parts: parts}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.get(t, "big"); got != "first part|second part|end" {
		t.Errorf("assembled %q", got)
	}
}

// TestAddressingFollowsTheClient presigns with a virtual-hosted profile for
// https://example.com:PORT and sends with a client that dials the emulator
// for any host (the test certificate covers *.example.com).
func TestAddressingFollowsTheClient(t *testing.T) {
	e := start(t)
	e.put(t, "v", "virtual")
	vc, err := client.New(client.Config{
		Endpoint: strings.Replace(e.srv.URL, "127.0.0.1", "example.com", 1), AddressingStyle: client.AddressingVirtual,
		Credentials: client.Credentials{AccessKeyID: e.srv.AccessKey, SecretAccessKey: e.srv.SecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := presign.New(vc).GetObject(t.Context(), presign.GetObjectInput{Bucket: "bkt", Key: "v"})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(r.URL); u.Hostname() != "bkt.example.com" || u.Path != "/v" {
		t.Fatalf("virtual-hosted URL expected, got %s", r.URL)
	}
	req, _ := http.NewRequestWithContext(t.Context(), r.Method, r.URL, nil)
	if resp := do(t, e.dialingEmulator(), req); resp.status != 200 || resp.body != "virtual" {
		t.Errorf("GET: %d %q", resp.status, resp.body)
	}
}

// dialingEmulator is an HTTP client that connects to the emulator whatever
// the URL's host, as DNS for a real virtual-hosted endpoint would.
func (e *env) dialingEmulator() *http.Client {
	hc := e.srv.HTTPClient()
	tr := hc.Transport.(*http.Transport)
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, e.srv.Listener.Addr().String())
	}
	return hc
}

// TestChecksumModeDoesNotPinAChecksum: with when_supported the SDK would
// sign a CRC32 of the empty body it sees at presign time.
func TestChecksumModeDoesNotPinAChecksum(t *testing.T) {
	e := start(t, func(c *client.Config) { c.ChecksumMode = client.ChecksumWhenSupported })
	r, err := e.p.PutObject(t.Context(), presign.PutObjectInput{Bucket: "bkt", Key: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(r.URL), "checksum") || len(r.Header) != 0 {
		t.Errorf("URL %s, headers %v pin a checksum", r.URL, r.Header)
	}
	wantStatus(t, "PUT", e.sendRequest(t, r, "any body"), 200)
}
