package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/transfer"
)

// uploadWith stores data through the transfer engine (so with the part
// size recorded in metadata).
func (e *env) uploadWith(key string, data []byte) {
	e.t.Helper()
	if _, err := e.manager().Upload(context.Background(), pipe{bytes.NewReader(data)}, transfer.UploadInput{Bucket: "bkt", Key: key}); err != nil {
		e.t.Fatal(err)
	}
}

// multipartBySDK stores data as a multipart object of partSize parts with
// the raw SDK: no qcli metadata, as another tool would write it.
func (e *env) multipartBySDK(key string, data []byte, partSize int) {
	e.t.Helper()
	ctx := context.Background()
	s := e.srv.S3Client()
	up, err := s.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err != nil {
		e.t.Fatal(err)
	}
	var parts []types.CompletedPart
	for n, off := int32(1), 0; off < len(data); n, off = n+1, off+partSize {
		out, err := s.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String(key), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(data[off:min(off+partSize, len(data))])})
		if err != nil {
			e.t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag})
	}
	_, err = s.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func pattern(n int) []byte {
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i*31 + i/251)
	}
	return data
}

// noTempFiles fails if anything but want is in dir.
func noTempFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want %v", names, want)
	}
}

func TestDownloadFileVerifiesEveryLayout(t *testing.T) {
	e := newWrappedEnv(t, withoutChecksums) // the MD5 layouts; see TestDownloadChecksTheCheapestSoundChecksum
	data := pattern(9*testPartSize + 77)
	e.uploadWith("by-qcli", data)                   // part size in metadata
	e.multipartBySDK("by-sdk", data, 2*testMinPart) // part size from HEAD ?partNumber=1
	e.put("single", data)                           // plain MD5 ETag, read in ranges
	e.put("small", data[:100])                      // one GET
	cases := map[string]struct {
		verified string
		size     int
	}{
		"by-qcli": {transfer.VerifiedComposite, len(data)}, "by-sdk": {transfer.VerifiedComposite, len(data)},
		"single": {transfer.VerifiedMD5, len(data)}, "small": {transfer.VerifiedMD5, 100},
	}
	m := e.manager()
	for key, want := range cases {
		dir := t.TempDir()
		path := filepath.Join(dir, "out", key)
		res, err := m.DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: key}, path)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		got, _ := os.ReadFile(path)
		if !bytes.Equal(got, data[:want.size]) || res.Verified != want.verified {
			t.Errorf("%s: %d bytes, verified %q (want %q)", key, len(got), res.Verified, want.verified)
		}
		noTempFiles(t, filepath.Join(dir, "out"), key)
		info, _ := os.Stat(path)
		head, _ := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: key})
		if !info.ModTime().Equal(head.LastModified) {
			t.Errorf("%s: mtime %v, want the object's %v", key, info.ModTime(), head.LastModified)
		}
	}
}

func TestDownloadResumesATruncatedBody(t *testing.T) {
	e := newEnv(t)
	data := pattern(6 * testPartSize)
	e.put("obj", data)
	e.srv.Emulator.SetFault(faults.TruncateBody(3, 1000, isRangedGet))
	path := filepath.Join(t.TempDir(), "obj")
	if _, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, path); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Error("download differs")
	}
}

// A small object is read in one GET; an answer that breaks off, or that a
// wrong Content-Length cuts short, is resumed like a range of a large one.
func TestDownloadResumesABrokenSmallObject(t *testing.T) {
	e := newEnv(t)
	data := pattern(testThreshold - 1)
	e.put("small", data)
	isGet := func(r *http.Request) bool { return r.Method == http.MethodGet }
	for name, fault := range map[string]faults.Fault{
		"truncated":    faults.TruncateBody(2, 100, isGet),
		"short length": faults.WrongContentLength(2, -7, isGet),
		"reset":        faults.ResetResponseBody(2, isGet),
	} {
		e.srv.Emulator.SetFault(fault)
		var buf bytes.Buffer
		for _, download := range []func() error{
			func() error {
				_, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "small"}, filepath.Join(t.TempDir(), "small"))
				return err
			},
			func() error {
				_, err := e.manager().Download(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "small"}, &buf)
				return err
			},
		} {
			if err := download(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Errorf("%s: %d bytes to the writer, want %d", name, buf.Len(), len(data))
		}
	}
}

func TestDownloadOfAReplacedObjectFailsAndLeavesNothing(t *testing.T) {
	e := newEnv(t)
	e.put("obj", pattern(6*testPartSize))
	var once sync.Once
	e.srv.Emulator.Observe(func(r *http.Request) {
		if isRangedGet(r) {
			once.Do(func() { e.put("obj", pattern(5*testPartSize)) }) // replaced mid-download
		}
	})
	dir := t.TempDir()
	_, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, filepath.Join(dir, "obj"))
	var changed *transfer.ChangedError
	if !errors.As(err, &changed) {
		t.Fatalf("err = %v, want ChangedError", err)
	}
	noTempFiles(t, dir)
}

// corruptRanges answers ranged GETs with the right headers and wrong bytes,
// as a faulty disk or proxy might.
func corruptRanges(e *env) faults.Fault {
	return func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if !isRangedGet(r) {
			return false
		}
		var lo, hi int64
		fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &lo, &hi)
		info, _ := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "obj"})
		w.Header().Set("ETag", info.ETag)
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", lo, hi, info.Size))
		w.Header().Set("Content-Length", fmt.Sprint(hi-lo+1))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(bytes.Repeat([]byte{'x'}, int(hi-lo+1)))
		return true
	}
}

func TestDownloadOfCorruptBytesFails(t *testing.T) {
	for _, key := range []string{"single", "multipart"} {
		t.Run(key, func(t *testing.T) {
			e := newEnv(t)
			if key == "single" {
				e.put("obj", pattern(6*testPartSize))
			} else {
				e.uploadWith("obj", pattern(6*testPartSize))
			}
			e.srv.Emulator.SetFault(corruptRanges(e))
			dir := t.TempDir()
			_, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, filepath.Join(dir, "obj"))
			if !errors.As(err, new(*transfer.IntegrityError)) {
				t.Fatalf("err = %v, want IntegrityError", err)
			}
			noTempFiles(t, dir)
		})
	}
}

func TestDownloadCancelLeavesNoFile(t *testing.T) {
	e := newEnv(t)
	e.put("obj", pattern(8*testPartSize))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.srv.Emulator.Observe(func(r *http.Request) {
		if isRangedGet(r) {
			cancel()
		}
	})
	dir := t.TempDir()
	_, err := e.manager().DownloadFile(ctx, transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, filepath.Join(dir, "obj"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	noTempFiles(t, dir)
}

func TestDownloadToWriterInOrder(t *testing.T) {
	e := newWrappedEnv(t, withoutChecksums) // the part MD5s, hashed in order
	data := pattern(13*testPartSize + 5)
	e.uploadWith("obj", data)
	// Early ranges are slow, so later ones finish first and must wait.
	e.srv.Emulator.SetFault(faults.Delay(20*time.Millisecond, func(r *http.Request) bool {
		return r.Header.Get("Range") == fmt.Sprintf("bytes=0-%d", testPartSize-1)
	}))
	var out bytes.Buffer
	res, err := e.manager().Download(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) || res.Verified != transfer.VerifiedComposite {
		t.Errorf("%d bytes, verified %q", out.Len(), res.Verified)
	}
	out.Reset()
	e.put("small", data[:10])
	if _, err := e.manager().Download(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "small"}, &out); err != nil || out.String() != string(data[:10]) {
		t.Errorf("small: %q, %v", out.String(), err)
	}
}

func TestDownloadToWriterFailureReportsIt(t *testing.T) {
	e := newEnv(t)
	e.uploadWith("obj", pattern(8*testPartSize))
	e.srv.Emulator.SetFault(faults.FailTimes(100, http.StatusInternalServerError, "InternalError", nil, isRangedGet))
	var out bytes.Buffer
	if _, err := e.manager().Download(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, &out); !errors.Is(err, client.ErrInternalError) {
		t.Fatalf("err = %v", err)
	}
}

func TestDownloadMissingObject(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	_, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "nope"}, filepath.Join(dir, "x"))
	if !errors.Is(err, client.ErrNoSuchKey) {
		t.Fatalf("err = %v", err)
	}
	noTempFiles(t, dir)
}
