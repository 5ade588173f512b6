package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// readCounter counts the bytes read from a body, rewinds included. It
// offers only Read and Seek, so that nothing reads around it (WriteTo).
type readCounter struct {
	r *bytes.Reader
	n int64
}

func newReadCounter(data []byte) *readCounter { return &readCounter{r: bytes.NewReader(data)} }

func (r *readCounter) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	return n, err
}

func (r *readCounter) Seek(off int64, whence int) (int64, error) { return r.r.Seek(off, whence) }

// newPlainHTTPClient serves the emulator over plain HTTP, where SigV4
// signs the SHA-256 of every body (and the emulator checks it).
func newPlainHTTPClient(t *testing.T) *client.Client {
	t.Helper()
	srv := emulatortest.StartPlainHTTP(t, emulator.Options{MinPartSize: 1024})
	c, err := client.New(client.Config{Endpoint: srv.URL, MaxAttempts: 1,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	if !c.SignsPayload() {
		t.Fatal("a client of an http:// endpoint says it does not sign payloads")
	}
	if err := c.CreateBucket(context.Background(), "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPayloadSHA256SavesARead sends PutObject and UploadPart over plain
// HTTP with the caller's SHA-256 of the body: the body is read once (to
// send it) instead of twice (to hash it, then to send it), and the server
// still checks the hash, so a wrong one fails the request.
func TestPayloadSHA256SavesARead(t *testing.T) {
	ctx := context.Background()
	c := newPlainHTTPClient(t)
	data := bytes.Repeat([]byte("payload "), 4096)
	sum := sha256.Sum256(data)
	good, bad := hex.EncodeToString(sum[:]), hex.EncodeToString(make([]byte, 32))
	up, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "bkt", Key: "mp"})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	send := map[string]func(body io.Reader, hash string) error{
		"PutObject": func(body io.Reader, hash string) error {
			_, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "bkt", Key: "k", Body: body, PayloadSHA256: hash})
			return err
		},
		"UploadPart": func(body io.Reader, hash string) error {
			_, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "bkt", Key: "mp", UploadID: id, PartNumber: 1, Body: body, PayloadSHA256: hash})
			return err
		},
	}
	for name, do := range send {
		for _, tc := range []struct {
			hash  string
			reads int64 // times the body is read
			fails bool
		}{{"", 2, false}, {good, 1, false}, {bad, 1, true}} {
			body := newReadCounter(data)
			err := do(body, tc.hash)
			if (err != nil) != tc.fails {
				t.Errorf("%s with PayloadSHA256 %q: err %v, want failure %v", name, tc.hash, err, tc.fails)
			}
			if tc.fails && !errors.Is(err, client.ErrorCode("XAmzContentSHA256Mismatch")) {
				t.Errorf("%s with a wrong PayloadSHA256: %v, want XAmzContentSHA256Mismatch", name, err)
			}
			if want := tc.reads * int64(len(data)); body.n != want {
				t.Errorf("%s with PayloadSHA256 %q read %d bytes of the body, want %d", name, tc.hash, body.n, want)
			}
		}
	}
}

// TestPayloadSHA256IgnoredOverHTTPS checks that over TLS, where the SDK
// sends UNSIGNED-PAYLOAD, the caller's hash is not put into the signature:
// even a wrong one changes nothing.
func TestPayloadSHA256IgnoredOverHTTPS(t *testing.T) {
	c, srv := newTestClient(t)
	if c.SignsPayload() {
		t.Fatal("a client of an https:// endpoint says it signs payloads")
	}
	log := observe(srv)
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	body := newReadCounter([]byte("data"))
	if _, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "bkt", Key: "k", Body: body, PayloadSHA256: hex.EncodeToString(make([]byte, 32))}); err != nil {
		t.Fatal(err)
	}
	reqs := log.all()
	if got := reqs[len(reqs)-1].Header.Get("X-Amz-Content-Sha256"); got != "UNSIGNED-PAYLOAD" || body.n != 4 {
		t.Errorf("over HTTPS: X-Amz-Content-Sha256 %q and %d bytes read; want UNSIGNED-PAYLOAD and 4", got, body.n)
	}
}
