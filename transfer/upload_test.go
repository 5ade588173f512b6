package transfer_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/transfer"
)

func TestUploadSmallFileIsOnePutWithContentMD5(t *testing.T) {
	e := newEnv(t)
	reqs := e.record()
	path, data := randomFile(t, t.TempDir(), testThreshold-1)
	res, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "small"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Parts != 0 || res.Verified != transfer.VerifiedMD5 || res.ETag != fmt.Sprintf(`"%x"`, md5.Sum(data)) {
		t.Errorf("result %+v", res)
	}
	puts := reqs.all(func(r *http.Request) bool { return r.Method == http.MethodPut })
	if len(puts) != 1 || puts[0].Header.Get("Content-Md5") == "" {
		t.Errorf("want one PUT with Content-MD5, got %d", len(puts))
	}
	if !bytes.Equal(e.read("small"), data) {
		t.Error("object differs from the file")
	}
}

func TestUploadLargeFileInParallelParts(t *testing.T) {
	e := newEnv(t)
	reqs := e.record()
	size := 25*testPartSize + 123
	path, data := randomFile(t, t.TempDir(), size)
	res, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big",
		ObjectAttributes: client.ObjectAttributes{ContentType: "application/x-test", Metadata: map[string]string{"owner": "me"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Parts != 26 || res.PartSize != testPartSize || res.Verified != transfer.VerifiedComposite {
		t.Errorf("result %+v", res)
	}
	parts := reqs.all(isPartUpload)
	if len(parts) != 26 {
		t.Errorf("%d UploadPart requests, want 26", len(parts))
	}
	// Over HTTPS nothing precedes the body, so each part is hashed as it
	// is sent (read once) and its ETag compared after, not sent with a
	// Content-MD5 computed by a read of its own.
	for _, r := range parts {
		if r.Header.Get("Content-Md5") != "" {
			t.Fatalf("part %s with a Content-MD5: want it hashed as it is sent", r.URL.Query().Get("partNumber"))
		}
	}
	if !bytes.Equal(e.read("big"), data) {
		t.Fatal("object differs from the file")
	}
	info, err := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "big"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Metadata[transfer.PartSizeMetadata] != strconv.Itoa(testPartSize) || info.Metadata["owner"] != "me" || info.ContentType != "application/x-test" {
		t.Errorf("metadata %v, content type %q", info.Metadata, info.ContentType)
	}
	counts, n := e.events.summary()
	if counts[transfer.Started] != 1 || counts[transfer.Done] != 1 || n != int64(size) {
		t.Errorf("events %v, %d bytes reported, want %d", counts, n, size)
	}
	if e.openUploads() != 0 {
		t.Error("upload left open")
	}
}

func TestUploadPartFailureAbortsTheUpload(t *testing.T) {
	e := newEnv(t)
	e.srv.Emulator.SetFault(faults.FailTimes(100, http.StatusInternalServerError, "InternalError", nil, func(r *http.Request) bool {
		return isPartUpload(r) && r.URL.Query().Get("partNumber") == "3"
	}))
	path, _ := randomFile(t, t.TempDir(), 10*testPartSize)
	_, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"})
	if !errors.Is(err, client.ErrInternalError) {
		t.Fatalf("err = %v, want InternalError", err)
	}
	if n := e.openUploads(); n != 0 {
		t.Errorf("%d uploads left open after a failure", n)
	}
	if counts, _ := e.events.summary(); counts[transfer.Failed] != 1 {
		t.Errorf("events %v, want one Failed", counts)
	}
}

func TestUploadRetriesAResetPart(t *testing.T) {
	e := newEnv(t)
	e.srv.Emulator.SetFault(faults.ResetTimes(2, isPartUpload))
	path, data := randomFile(t, t.TempDir(), 6*testPartSize)
	if _, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(e.read("big"), data) {
		t.Fatal("object differs from the file")
	}
	if _, n := e.events.summary(); n != int64(len(data)) {
		t.Errorf("%d bytes reported for %d: retried bytes were counted twice", n, len(data))
	}
}

// When the answer to CompleteMultipartUpload is lost, the client's retry
// finds the upload gone; the object is there with our composite ETag, so
// the upload succeeded, and nothing is left open.
func TestUploadSurvivesALostCompleteAnswer(t *testing.T) {
	e := newEnv(t)
	isComplete := func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Query().Has("uploadId") }
	e.srv.Emulator.SetFault(faults.ResetResponseBody(1, isComplete))
	path, data := randomFile(t, t.TempDir(), 3*testPartSize)
	res, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"})
	if err != nil || res.Verified != transfer.VerifiedComposite {
		t.Fatalf("upload: %+v, %v", res, err)
	}
	if !bytes.Equal(e.read("big"), data) || e.openUploads() != 0 {
		t.Error("object differs, or an upload is left open")
	}
	// A failure that did not complete anything is still a failure.
	e.srv.Emulator.SetFault(faults.FailTimes(100, http.StatusInternalServerError, "InternalError", nil, isComplete))
	path, _ = randomFile(t, t.TempDir(), 3*testPartSize)
	if _, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"}); err == nil {
		t.Error("an upload whose completion failed succeeded")
	}
	if !bytes.Equal(e.read("big"), data) || e.openUploads() != 0 {
		t.Error("the failed upload changed the object, or left an upload open")
	}
}

func TestUploadCancelAbortsTheUpload(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var parts atomic.Int32
	e.srv.Emulator.Observe(func(r *http.Request) {
		if isPartUpload(r) && parts.Add(1) == 3 {
			cancel() // Ctrl-C while parts are in flight
		}
	})
	path, _ := randomFile(t, t.TempDir(), 10*testPartSize)
	_, err := e.manager(func(o *transfer.Options) { o.PartConcurrency = 1 }).UploadFile(ctx, path, transfer.UploadInput{Bucket: "bkt", Key: "big"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := e.openUploads(); n != 0 {
		t.Errorf("%d uploads left open after cancel", n)
	}
}

func TestUploadRefusesTooLargeBeforeAnyRequest(t *testing.T) {
	if _, err := transfer.PartSize(client.MaxObjectSize+1, transfer.DefaultPartSize); !errors.As(err, new(*transfer.TooLargeError)) {
		t.Errorf("PartSize(5 TiB + 1) = %v, want TooLargeError", err)
	}
}

// pipe hides every method but Read, as stdin would.
type pipe struct{ r io.Reader }

func (p pipe) Read(b []byte) (int, error) { return p.r.Read(b) }

func TestUploadStream(t *testing.T) {
	for _, size := range []int{0, 100, testPartSize, 7*testPartSize + 5} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			e := newEnv(t)
			data := bytes.Repeat([]byte{'q'}, size)
			for i := range data {
				data[i] = byte(i * 7)
			}
			res, err := e.manager().Upload(context.Background(), pipe{bytes.NewReader(data)}, transfer.UploadInput{Bucket: "bkt", Key: "stream"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Size != int64(size) || !bytes.Equal(e.read("stream"), data) {
				t.Fatalf("result %+v; object differs from the stream", res)
			}
			if size > testPartSize && res.Verified != transfer.VerifiedComposite {
				t.Errorf("verified %q", res.Verified)
			}
		})
	}
}

// failingReader yields n bytes and then an error, like a broken pipe.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("broken pipe")
	}
	k := min(len(p), f.n)
	f.n -= k
	return k, nil
}

func TestUploadStreamReadErrorAborts(t *testing.T) {
	e := newEnv(t)
	_, err := e.manager().Upload(context.Background(), &failingReader{n: 3 * testPartSize}, transfer.UploadInput{Bucket: "bkt", Key: "stream"})
	if err == nil || e.openUploads() != 0 {
		t.Fatalf("err = %v, %d uploads open", err, e.openUploads())
	}
}

func TestUploadStreamWithExpectedSize(t *testing.T) {
	e := newEnv(t)
	data := bytes.Repeat([]byte("expected"), 3000) // 24,000 bytes
	res, err := e.manager().Upload(context.Background(), pipe{bytes.NewReader(data)}, transfer.UploadInput{Bucket: "bkt", Key: "s", ExpectedSize: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	if res.PartSize != testPartSize || res.Parts != 6 {
		t.Errorf("result %+v", res)
	}
}
