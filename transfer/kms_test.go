package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
	"github.com/quilibrium/qcli/transfer"
)

// In a bucket whose default encryption is SSE-KMS, S3 gives every object
// and part an ETag of 32 hex digits that is not the MD5 of the bytes, and
// says why in x-amz-server-side-encryption: aws:kms. Uploads that asked
// for no encryption compared those ETags with the MD5 and failed with an
// IntegrityError, so `qcli s3 cp` into such a bucket always failed. The
// service's answer now counts as much as the request.

// newKMSEnv is an emulator whose bucket "bkt" answers as a default-KMS
// bucket once the returned function is called (header: with the
// x-amz-server-side-encryption answer), and that keeps no flexible
// checksums, so that a download is checked against the ETag or not at all.
func newKMSEnv(t *testing.T) (*env, func(header bool)) {
	t.Helper()
	sw := &misbehave.Switch{}
	e := newWrappedEnv(t, func(h http.Handler) http.Handler { return withoutChecksums(sw.Wrap(h)) })
	return e, func(header bool) { sw.Set(sw.DefaultKMS("bkt", header)) }
}

// kmsUploads are the uploads of TestUploadsIntoADefaultKMSBucket.
var kmsUploads = []struct {
	name  string
	size  int
	parts bool
	send  func(m *transfer.Manager, path string, data []byte, in transfer.UploadInput) (*transfer.Result, error)
}{
	{"single PUT of a file", testThreshold - 1, false, uploadFile},
	{"multipart file", 3*testPartSize + 100, true, uploadFile},
	{"small stream", testPartSize, false, uploadStream},
	{"multipart stream", 3*testPartSize + 100, true, uploadStream},
}

func uploadFile(m *transfer.Manager, path string, _ []byte, in transfer.UploadInput) (*transfer.Result, error) {
	return m.UploadFile(context.Background(), path, in)
}

func uploadStream(m *transfer.Manager, _ string, data []byte, in transfer.UploadInput) (*transfer.Result, error) {
	return m.Upload(context.Background(), bytes.NewReader(data), in)
}

// An upload into a default-KMS bucket succeeds, says the service checked
// its Content-MD5 rather than claiming the ETag is the MD5, and stores
// every part only after a request that carried its Content-MD5 (a part
// first sent without one, hashed as it went, is sent again with it once
// the answer shows its ETag cannot be compared).
func TestUploadsIntoADefaultKMSBucket(t *testing.T) {
	for _, tc := range kmsUploads {
		t.Run(tc.name, func(t *testing.T) {
			e, kms := newKMSEnv(t)
			kms(true)
			path, data := randomFile(t, t.TempDir(), tc.size)
			reqs := e.record()
			res, err := tc.send(e.manager(), path, data, transfer.UploadInput{Bucket: "bkt", Key: "obj"})
			if err != nil {
				t.Fatalf("upload into a default-KMS bucket: %v", err)
			}
			if res.Verified != transfer.VerifiedContentMD5 {
				t.Errorf("Verified = %q, want %q (the ETag is not the MD5)", res.Verified, transfer.VerifiedContentMD5)
			}
			if !bytes.Equal(e.read("obj"), data) {
				t.Error("the object differs from the upload")
			}
			last := map[string]*http.Request{}
			for _, r := range reqs.all(isPartUpload) {
				last[r.URL.Query().Get("partNumber")] = r
			}
			if tc.parts && len(last) < 2 {
				t.Fatalf("%d parts were sent, want a multipart upload", len(last))
			}
			for n, r := range last {
				if r.Header.Get("Content-Md5") == "" {
					t.Errorf("part %s was stored from a request without Content-MD5: nothing checked it", n)
				}
			}
		})
	}
}

// A server that answers ETags that are not the MD5 of the bytes without
// saying it encrypted them still fails every upload: the check is not
// weakened, and no multipart upload is left behind.
func TestUploadsGivenWrongETagsWithoutKMSStillFail(t *testing.T) {
	for _, tc := range kmsUploads {
		t.Run(tc.name, func(t *testing.T) {
			e, kms := newKMSEnv(t)
			kms(false)
			path, data := randomFile(t, t.TempDir(), tc.size)
			_, err := tc.send(e.manager(), path, data, transfer.UploadInput{Bucket: "bkt", Key: "obj"})
			var ie *transfer.IntegrityError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an IntegrityError", err)
			}
			if n := e.openUploads(); n != 0 {
				t.Errorf("%d multipart uploads left open", n)
			}
		})
	}
}

// A download of an object in a default-KMS bucket succeeds with its size
// checked, and does not claim an MD5 check; without the header the same
// wrong ETags fail it.
func TestDownloadsFromADefaultKMSBucket(t *testing.T) {
	for _, size := range []int{testPartSize, 6*testPartSize + 100} {
		for _, header := range []bool{true, false} {
			name := map[bool]string{true: "with x-amz-server-side-encryption", false: "without it"}[header]
			t.Run(name, func(t *testing.T) {
				e, kms := newKMSEnv(t)
				path, data := randomFile(t, t.TempDir(), size)
				if _, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "obj"}); err != nil {
					t.Fatal(err)
				}
				kms(header)
				dir := t.TempDir()
				res, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, filepath.Join(dir, "obj"))
				if !header {
					var ie *transfer.IntegrityError
					if !errors.As(err, &ie) {
						t.Fatalf("err = %v, want an IntegrityError", err)
					}
					noTempFiles(t, dir)
					return
				}
				if err != nil {
					t.Fatalf("download from a default-KMS bucket: %v", err)
				}
				if res.Verified != transfer.VerifiedSize {
					t.Errorf("Verified = %q, want %q", res.Verified, transfer.VerifiedSize)
				}
				var out bytes.Buffer
				res, err = e.manager().Download(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, &out)
				if err != nil || !bytes.Equal(out.Bytes(), data) {
					t.Fatalf("download to a stream: %v (%d bytes of %d)", err, out.Len(), len(data))
				}
				if res.Verified != transfer.VerifiedSize {
					t.Errorf("stream: Verified = %q, want %q", res.Verified, transfer.VerifiedSize)
				}
			})
		}
	}
}

// Copies into, within and out of a default-KMS bucket succeed without
// claiming an MD5 check: a single CopyObject (whose source ETag, from a
// listing or a HEAD, is not the MD5 either) and a multipart copy, whose
// copied parts' ETags are not MD5s to assemble the composite from.
func TestCopiesWithADefaultKMSBucket(t *testing.T) {
	for _, tc := range []struct {
		name          string
		from, to      string
		size          int
		listed, multi bool
	}{
		{"within, single", "bkt", "bkt", testPartSize, false, false},
		{"within, multipart", "bkt", "bkt", 6 * testPartSize, false, true},
		{"out of it, single", "bkt", "plain", testPartSize, false, false},
		{"out of it, single, listed", "bkt", "plain", testPartSize, true, false},
		{"into it, single", "plain", "bkt", testPartSize, false, false},
		{"into it, multipart", "plain", "bkt", 6 * testPartSize, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, kms := newKMSEnv(t)
			ctx := context.Background()
			if err := e.c.CreateBucket(ctx, "plain", client.CreateBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			data := pattern(tc.size)
			if _, err := e.c.PutObject(ctx, client.PutObjectInput{Bucket: tc.from, Key: "src", Body: bytes.NewReader(data)}); err != nil {
				t.Fatal(err)
			}
			kms(true)
			m := e.manager(func(o *transfer.Options) { o.CopyThreshold = testThreshold })
			in := transfer.CopyInput{SourceBucket: tc.from, SourceKey: "src", Dest: transfer.UploadInput{Bucket: tc.to, Key: "dst"}}
			if tc.listed {
				info, err := e.c.HeadObject(ctx, client.HeadObjectInput{Bucket: tc.from, Key: "src"})
				if err != nil {
					t.Fatal(err)
				}
				in.Listed = &client.Object{Key: "src", Size: info.Size, ETag: info.ETag}
			}
			res, err := m.Copy(ctx, in)
			if err != nil {
				t.Fatalf("copy: %v", err)
			}
			if res.Verified == transfer.VerifiedMD5 || res.Verified == transfer.VerifiedComposite {
				t.Errorf("Verified = %q: no ETag here is an MD5 to compare", res.Verified)
			}
			if (res.Parts > 0) != tc.multi {
				t.Errorf("Parts = %d, want a multipart copy: %v", res.Parts, tc.multi)
			}
			got, err := e.c.Download(ctx, tc.to, "dst")
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("the copy differs (%d bytes, %v)", len(got), err)
			}
		})
	}
}
