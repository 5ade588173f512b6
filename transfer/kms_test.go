package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
	"github.com/quilibrium/qcli/transfer"
)

// In a bucket whose default encryption is SSE-KMS (or DSSE-KMS), S3 gives
// every object and part an ETag of 32 hex digits that is not the MD5 of
// the bytes, and says why in x-amz-server-side-encryption. Uploads that
// asked for no encryption compared those ETags with the MD5 and failed
// with an IntegrityError, so `qcli s3 cp` into such a bucket always
// failed. The service's answer now counts as much as the request.

// newKMSEnv is an emulator whose bucket "bkt" answers as a default-KMS
// bucket once the returned function is called (sse: the
// x-amz-server-side-encryption it answers; "" none), and that keeps no
// flexible checksums, so that a download is checked against the ETag or
// not at all.
func newKMSEnv(t *testing.T) (*env, func(sse string)) {
	return newKMSEnvHiding(t, false)
}

// newKMSEnvHiding is newKMSEnv; with hideOnCreate the answer to
// CreateMultipartUpload does not name the encryption, as from a service
// that names it only once parts arrive (S3 names it there too).
func newKMSEnvHiding(t *testing.T, hideOnCreate bool) (*env, func(sse string)) {
	t.Helper()
	sw := &misbehave.Switch{}
	e := newWrappedEnv(t, func(h http.Handler) http.Handler {
		h = sw.Wrap(h)
		if hideOnCreate {
			h = withoutSSEOnCreate(h)
		}
		return withoutChecksums(h)
	})
	return e, func(sse string) { sw.Set(sw.DefaultKMS("bkt", sse)) }
}

// withoutSSEOnCreate drops x-amz-server-side-encryption from the answers
// to CreateMultipartUpload.
func withoutSSEOnCreate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if misbehave.IsCreateMultipartUpload(r) {
			w = dropSSEHeader{w}
		}
		h.ServeHTTP(w, r)
	})
}

type dropSSEHeader struct{ http.ResponseWriter }

func (d dropSSEHeader) WriteHeader(code int) {
	d.Header().Del("X-Amz-Server-Side-Encryption")
	d.ResponseWriter.WriteHeader(code)
}

// kmsAnswers are the encryptions a default-KMS bucket answers with.
var kmsAnswers = []string{client.SSEKMS, client.SSEKMSDSSE}

// kmsUploads are the uploads tried against a default-KMS bucket.
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
// every part only after a request that carried its Content-MD5. When the
// answer to CreateMultipartUpload names the encryption (S3's does), every
// part goes once, with it; when only the parts' answers do, a part first
// sent without one, hashed as it went, is sent again with it once the
// answer shows its ETag cannot be compared.
func TestUploadsIntoADefaultKMSBucket(t *testing.T) {
	for _, tc := range kmsUploads {
		for _, sse := range kmsAnswers {
			for _, hide := range []bool{false, true} {
				if hide && !tc.parts {
					continue
				}
				name := tc.name + ", " + sse
				if hide {
					name += ", not named on create"
				}
				t.Run(name, func(t *testing.T) {
					e, kms := newKMSEnvHiding(t, hide)
					kms(sse)
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
					if tc.parts {
						everyPartStoredWithItsDigest(t, reqs, hide)
					}
				})
			}
		}
	}
}

// everyPartStoredWithItsDigest checks that the last request of each part
// (the one stored) carried its Content-MD5, and that some part was first
// sent without one, hashed as it went (the path the KMS answer must turn
// back) if and only if resent: else each part went once.
func everyPartStoredWithItsDigest(t *testing.T, reqs *requests, resent bool) {
	t.Helper()
	last, hashedWhileSent := map[string]*http.Request{}, 0
	for _, r := range reqs.all(isPartUpload) {
		last[r.URL.Query().Get("partNumber")] = r
		if r.Header.Get("Content-Md5") == "" {
			hashedWhileSent++
		}
	}
	if len(last) < 2 {
		t.Fatalf("%d parts were sent, want a multipart upload", len(last))
	}
	switch sent := len(reqs.all(isPartUpload)); {
	case resent && hashedWhileSent == 0:
		t.Error("no part was sent without Content-MD5: the hash-while-sending path was not taken")
	case !resent && (hashedWhileSent != 0 || sent != len(last)):
		t.Errorf("%d requests for %d parts, %d without Content-MD5: the encryption CreateMultipartUpload named was not heeded", sent, len(last), hashedWhileSent)
	}
	for n, r := range last {
		if r.Header.Get("Content-Md5") == "" {
			t.Errorf("part %s was stored from a request without Content-MD5: nothing checked it", n)
		}
	}
}

// A server that answers ETags that are not the MD5 of the bytes without
// saying it encrypted them still fails every upload: the check is not
// weakened, and no multipart upload is left behind.
func TestUploadsGivenWrongETagsWithoutKMSStillFail(t *testing.T) {
	for _, tc := range kmsUploads {
		t.Run(tc.name, func(t *testing.T) {
			e, kms := newKMSEnv(t)
			kms("")
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

// A download of an object in a default-KMS bucket, to a file or a stream,
// succeeds with its size checked and claims no MD5 check; without the
// header the same wrong ETags fail it.
func TestDownloadsFromADefaultKMSBucket(t *testing.T) {
	for _, size := range []int{testPartSize, 6*testPartSize + 100} {
		for _, sse := range append([]string{""}, kmsAnswers...) {
			t.Run(fmt.Sprintf("%d bytes, answering %q", size, sse), func(t *testing.T) {
				e, kms := newKMSEnv(t)
				path, data := randomFile(t, t.TempDir(), size)
				if _, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "obj"}); err != nil {
					t.Fatal(err)
				}
				kms(sse)
				dir := t.TempDir()
				in := transfer.DownloadInput{Bucket: "bkt", Key: "obj"}
				res, err := e.manager().DownloadFile(context.Background(), in, filepath.Join(dir, "obj"))
				if sse == "" {
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
				if res, err = e.manager().Download(context.Background(), in, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
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
// copied parts' ETags are not MD5s to assemble the composite from. With
// no header, the same ETags fail a copy within the bucket.
func TestCopiesWithADefaultKMSBucket(t *testing.T) {
	for _, tc := range []struct {
		name          string
		from, to, sse string
		size          int
		listed, multi bool
	}{
		{"within, single", "bkt", "bkt", client.SSEKMS, testPartSize, false, false},
		{"within, multipart", "bkt", "bkt", client.SSEKMSDSSE, 6 * testPartSize, false, true},
		{"out of it, single", "bkt", "plain", client.SSEKMS, testPartSize, false, false},
		{"out of it, single, listed", "bkt", "plain", client.SSEKMS, testPartSize, true, false},
		{"into it, single", "plain", "bkt", client.SSEKMS, testPartSize, false, false},
		{"into it, multipart", "plain", "bkt", client.SSEKMS, 6 * testPartSize, false, true},
		{"within, single, no header", "bkt", "bkt", "", testPartSize, false, false},
		{"within, multipart, no header", "bkt", "bkt", "", 6 * testPartSize, false, true},
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
			kms(tc.sse)
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
			if tc.sse == "" {
				var ie *transfer.IntegrityError
				if !errors.As(err, &ie) {
					t.Fatalf("err = %v, want an IntegrityError", err)
				}
				return
			}
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
