package client_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

func TestMultipartLifecycle(t *testing.T) {
	c, _ := newTestClient(t) // the emulator's minimum part size is lowered to 1 KiB
	ctx := context.Background()
	mustCreate(t, c, "big")
	up, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "big", Key: "file.bin",
		ObjectAttributes: client.ObjectAttributes{ContentType: "application/x-test"}})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{bytes.Repeat([]byte("a"), 2048), []byte("tail")}
	var done []client.CompletedPart
	var sums []byte
	for i, data := range parts {
		sum := md5.Sum(data)
		sums = append(sums, sum[:]...)
		out, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "big", Key: "file.bin", UploadID: id, PartNumber: int32(i + 1),
			Body: bytes.NewReader(data), ContentLength: int64(len(data)), ContentMD5: base64.StdEncoding.EncodeToString(sum[:])})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, client.CompletedPart{PartNumber: int32(i + 1), ETag: out.ETag})
	}
	var listed []client.Part
	for p, err := range c.ListParts(ctx, "big", "file.bin", id) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, p)
	}
	if len(listed) != 2 || listed[0].Size != 2048 || listed[1].ETag != done[1].ETag {
		t.Errorf("ListParts = %+v", listed)
	}
	if n := countUploads(t, c, "big"); n != 1 {
		t.Errorf("%d open uploads, want 1", n)
	}
	out, err := c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: "big", Key: "file.bin", UploadID: id, Parts: done})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`"%x-2"`, md5.Sum(sums)); out.ETag != want {
		t.Errorf("composite ETag %s, want %s", out.ETag, want)
	}
	data, err := c.Download(ctx, "big", "file.bin")
	if err != nil || !bytes.Equal(data, append(parts[0], parts[1]...)) {
		t.Fatalf("read back %d bytes, %v", len(data), err)
	}
	if n := countUploads(t, c, "big"); n != 0 {
		t.Errorf("%d open uploads after completion", n)
	}
}

func TestMultipartAbortAndSmallParts(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "big")
	up, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "big", Key: "small-parts"})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	var done []client.CompletedPart
	for n := int32(1); n <= 2; n++ {
		out, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "big", Key: "small-parts", UploadID: id, PartNumber: n,
			Body: strings.NewReader("tiny"), ContentLength: 4})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, client.CompletedPart{PartNumber: n, ETag: out.ETag})
	}
	if _, err := c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: "big", Key: "small-parts", UploadID: id, Parts: done}); !errors.Is(err, client.ErrEntityTooSmall) {
		t.Errorf("complete with a tiny first part: %v, want EntityTooSmall", err)
	}
	if err := c.AbortMultipartUpload(ctx, "big", "small-parts", id); err != nil {
		t.Fatal(err)
	}
	if n := countUploads(t, c, "big"); n != 0 {
		t.Errorf("%d open uploads after abort", n)
	}
	if _, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "big", Key: "k", UploadID: id, PartNumber: 10001}); err == nil {
		t.Error("part number 10001 accepted")
	}
	if _, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "big", Key: "small-parts", UploadID: id, PartNumber: 1,
		Body: strings.NewReader("x"), ContentLength: 1}); !errors.Is(err, client.ErrNoSuchUpload) {
		t.Errorf("part for an aborted upload: %v, want NoSuchUpload", err)
	}
}

func countUploads(t *testing.T, c *client.Client, bucket string) int {
	t.Helper()
	n := 0
	for _, err := range c.ListMultipartUploads(context.Background(), bucket, "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestUploadPartCopy(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "big")
	src := bytes.Repeat([]byte("0123456789"), 300) // 3,000 bytes
	if _, err := c.Upload(ctx, "big", "src key+%", src); err != nil {
		t.Fatal(err)
	}
	info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "big", Key: "src key+%"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "big", Key: "dst"})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	var done []client.CompletedPart
	for i, rng := range []string{"bytes=0-1999", "bytes=2000-2999"} {
		out, err := c.UploadPartCopy(ctx, client.UploadPartCopyInput{Bucket: "big", Key: "dst", UploadID: id, PartNumber: int32(i + 1),
			SourceBucket: "big", SourceKey: "src key+%", SourceRange: rng, SourceIfMatch: info.ETag})
		if err != nil {
			t.Fatal(err)
		}
		etag := out.ETag
		lo := i * 2000
		if want := fmt.Sprintf(`"%x"`, md5.Sum(src[lo:min(lo+2000, len(src))])); etag != want {
			t.Errorf("part %d ETag %s, want %s", i+1, etag, want)
		}
		done = append(done, client.CompletedPart{PartNumber: int32(i + 1), ETag: etag})
	}
	if _, err := c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: "big", Key: "dst", UploadID: id, Parts: done}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Download(ctx, "big", "dst"); err != nil || !bytes.Equal(got, src) {
		t.Fatalf("copied object differs (%d bytes, %v)", len(got), err)
	}
	_, err = c.UploadPartCopy(ctx, client.UploadPartCopyInput{Bucket: "big", Key: "dst", UploadID: id, PartNumber: 1,
		SourceBucket: "big", SourceKey: "src key+%", SourceIfMatch: `"0000"`})
	if err == nil {
		t.Error("UploadPartCopy to a completed upload with a stale If-Match succeeded")
	}
	if _, err := c.UploadPartCopy(ctx, client.UploadPartCopyInput{Bucket: "big", Key: "dst", UploadID: id, PartNumber: 0,
		SourceBucket: "big", SourceKey: "src"}); !errors.As(err, new(*client.ValidationError)) {
		t.Errorf("part number 0: %v, want a ValidationError", err)
	}
}

// A CreateMultipartUpload whose first answer is lost (the upload started,
// the connection reset mid-body) is retried and starts a second upload;
// the first, whose id nobody learnt, is aborted, not left open holding its
// parts. Uploads of the key started before the call, and of other keys
// that share its prefix, stay. Before, the first upload stayed open.
func TestCreateMultipartUploadAbortsWhatALostAttemptStarted(t *testing.T) {
	c, srv, offset := newClockedClient(t)
	keep := map[string]string{createUpload(t, c, "k"): "k (started before)"}
	offset.Store(int64(5 * time.Minute)) // later, within the signature's allowed skew
	keep[createUpload(t, c, "k2")] = "k2"
	srv.Emulator.SetFault(faults.ResetResponseBody(1, isCreateMultipartUpload))
	keep[createUpload(t, c, "k")] = "k (ours)"
	srv.Emulator.SetFault(nil)
	open := openUploads(t, c)
	if len(open) != len(keep) {
		t.Errorf("%d uploads open, want %d (%v): %v", len(open), len(keep), slices.Collect(maps.Values(keep)), open)
	}
	for id, what := range keep {
		if _, ok := open[id]; !ok {
			t.Errorf("upload %s of %s was aborted", id, what)
		}
	}
}

// A CreateMultipartUpload cancelled after the server started the upload
// (Ctrl-C while the answer is on its way) does not leave that upload open:
// the cleanup runs on a context of its own. Before, its listing failed at
// once on the cancelled context and the upload stayed.
func TestCancelledCreateMultipartUploadAbortsWhatItStarted(t *testing.T) {
	c, srv, offset := newClockedClient(t)
	before := createUpload(t, c, "k")
	offset.Store(int64(5 * time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv.Emulator.SetFault(faults.CancelAfterProcessing(cancel, isCreateMultipartUpload))
	_, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "bkt", Key: "k"})
	srv.Emulator.SetFault(nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateMultipartUpload: %v, want context.Canceled", err)
	}
	if open := openUploads(t, c); len(open) != 1 || open[before] != "k" {
		t.Errorf("open uploads %v, want only %s, started before", open, before)
	}
}

// A CreateMultipartUpload retried after error answers (503 SlowDown), none
// of which started an upload, looks for no lost upload: another writer's
// upload of the key, started just before, stays. Before, any retried call
// listed the key's uploads and aborted that one.
func TestCreateMultipartUploadRetriedAfterErrorAnswersAbortsNothing(t *testing.T) {
	c, srv, _ := newClockedClient(t)
	other := createUpload(t, c, "k")
	var listings atomic.Int32
	slowDown := faults.FailTimes(2, http.StatusServiceUnavailable, "SlowDown", nil, isCreateMultipartUpload)
	srv.Emulator.SetFault(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if r.Method == http.MethodGet && r.URL.Query().Has("uploads") {
			listings.Add(1)
		}
		return slowDown(w, r, next)
	})
	ours := createUpload(t, c, "k")
	srv.Emulator.SetFault(nil)
	if n := listings.Load(); n != 0 {
		t.Errorf("%d ListMultipartUploads requests, want none", n)
	}
	if open := openUploads(t, c); len(open) != 2 || open[other] != "k" || open[ours] != "k" {
		t.Errorf("open uploads %v, want the other writer's %s and ours %s", open, other, ours)
	}
}

// newClockedClient is a client of an emulator with bucket "bkt" whose
// clock runs the returned offset ahead of the real one.
func newClockedClient(t *testing.T) (*client.Client, *emulatortest.Server, *atomic.Int64) {
	t.Helper()
	offset := &atomic.Int64{}
	srv := emulatortest.Start(t, emulator.Options{MinPartSize: 1024, Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	c, err := client.New(client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool, RetryBaseDelay: time.Millisecond, RetryMaxBackoff: 5 * time.Millisecond,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, "bkt")
	return c, srv, offset
}

func createUpload(t *testing.T, c *client.Client, key string) string {
	t.Helper()
	up, err := c.CreateMultipartUpload(context.Background(), client.CreateMultipartUploadInput{Bucket: "bkt", Key: key})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// openUploads maps the open uploads of "bkt" to their keys.
func openUploads(t *testing.T, c *client.Client) map[string]string {
	t.Helper()
	open := map[string]string{}
	for u, err := range c.ListMultipartUploads(context.Background(), "bkt", "") {
		if err != nil {
			t.Fatal(err)
		}
		open[u.UploadID] = u.Key
	}
	return open
}

func isCreateMultipartUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Query().Has("uploads")
}

// A CreateMultipartUpload that fails because every answer was lost started
// an upload with each attempt, and none of them stays open; an upload of
// the key started before the call does. The server's clock runs ahead of
// the client's: the window is measured on the server's (its Date).
func TestFailedCreateMultipartUploadAbortsWhatItStarted(t *testing.T) {
	c, srv, offset := newClockedClient(t)
	ctx := context.Background()
	before := createUpload(t, c, "k")
	offset.Store(int64(5 * time.Minute))
	srv.Emulator.SetFault(faults.ResetResponseBody(1000, isCreateMultipartUpload))
	if _, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "bkt", Key: "k"}); err == nil {
		t.Fatal("CreateMultipartUpload succeeded with every answer lost")
	}
	srv.Emulator.SetFault(nil)
	if open := openUploads(t, c); len(open) != 1 || open[before] != "k" {
		t.Errorf("open uploads %v, want only %s, started before", open, before)
	}
}
