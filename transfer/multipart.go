package transfer

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/quilibrium/qcli/client"
)

// PartSizeMetadata is the user-metadata name (x-amz-meta-qcli-part-size)
// under which uploads record their part size, so that a download can
// recompute the composite ETag and verify every byte.
const PartSizeMetadata = "qcli-part-size"

// mpu is one multipart upload in progress: its id, and the parts sent and
// verified so far.
type mpu struct {
	m     *Manager
	in    UploadInput
	obj   object
	id    string
	mu    sync.Mutex
	parts map[int32]partDone
	// noDigest: some part's MD5 is unknown (a copied part whose ETag is
	// not an MD5), so the composite ETag cannot be checked.
	noDigest atomic.Bool
}

type partDone struct {
	etag     string
	sum      [md5.Size]byte
	size     int64
	checksum client.Checksum // with UploadInput.ChecksumAlgorithm
}

func (m *Manager) createUpload(ctx context.Context, in UploadInput, obj object, partSize int64) (*mpu, error) {
	attrs := in.ObjectAttributes
	if partSize > 0 {
		attrs.Metadata = maps.Clone(attrs.Metadata)
		if attrs.Metadata == nil {
			attrs.Metadata = map[string]string{}
		}
		attrs.Metadata[PartSizeMetadata] = strconv.FormatInt(partSize, 10)
	}
	var id string
	err := m.withSlot(ctx, func() (err error) {
		id, err = m.c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: in.Bucket, Key: in.Key,
			ChecksumAlgorithm: in.ChecksumAlgorithm, ObjectAttributes: attrs})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &mpu{m: m, in: in, obj: obj, id: id, parts: map[int32]partDone{}}, nil
}

// sendPart uploads one part with its Content-MD5 and checks the ETag the
// service returns, so a part corrupted on the way is never completed.
func (u *mpu) sendPart(ctx context.Context, n int32, body io.ReadSeeker, size int64, sum partSum) error {
	var out client.UploadPartOutput
	err := u.m.withSlot(ctx, func() (err error) {
		out, err = u.m.c.UploadPart(ctx, client.UploadPartInput{
			Bucket: u.in.Bucket, Key: u.in.Key, UploadID: u.id, PartNumber: n,
			Body: &progressReader{r: body, report: u.obj.bytes}, ContentLength: size,
			ContentMD5: b64(sum.md5[:]), PayloadSHA256: sum.sha256, CustomerKey: u.in.SSE.CustomerKey,
			ChecksumAlgorithm: u.in.ChecksumAlgorithm, Checksum: sum.checksum,
		})
		return err
	})
	etag := out.ETag
	if err != nil {
		return err
	}
	if md5Comparable(u.in.SSE) && isMD5ETag(etag) && !sameETag(etag, hex.EncodeToString(sum.md5[:])) {
		return &IntegrityError{What: fmt.Sprintf("part %d of %s", n, u.obj.dest), Want: hex.EncodeToString(sum.md5[:]), Got: trimETag(etag)}
	}
	u.record(n, partDone{etag: etag, sum: sum.md5, size: size, checksum: out.Checksum})
	return nil
}

func (u *mpu) record(n int32, p partDone) {
	u.mu.Lock()
	u.parts[n] = p
	u.mu.Unlock()
}

// complete assembles the parts 1..count and checks the composite ETag.
func (u *mpu) complete(ctx context.Context, count int) (string, string, error) {
	done := make([]client.CompletedPart, 0, count)
	sums := make([][md5.Size]byte, 0, count)
	for n := int32(1); n <= int32(count); n++ {
		p, ok := u.parts[n]
		if !ok {
			return "", "", fmt.Errorf("upload of %s: part %d is missing", u.obj.dest, n)
		}
		done = append(done, client.CompletedPart{PartNumber: n, ETag: p.etag, Checksum: p.checksum})
		sums = append(sums, p.sum)
	}
	want := compositeETag(sums)
	var etag string
	err := u.m.withSlot(ctx, func() error {
		out, err := u.m.c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: u.in.Bucket, Key: u.in.Key, UploadID: u.id, Parts: done})
		etag = out.ETag
		return err
	})
	if err != nil {
		if etag, ok := u.completedAnyway(ctx, want); ok {
			return etag, VerifiedComposite, nil
		}
		return "", "", err
	}
	if u.noDigest.Load() {
		return etag, "", nil
	}
	if _, ok := multipartETag(etag); !ok || !md5Comparable(u.in.SSE) {
		return etag, VerifiedContentMD5, nil
	}
	if !sameETag(etag, want) {
		return etag, "", &IntegrityError{What: u.obj.dest, Want: want, Got: trimETag(etag)}
	}
	return etag, VerifiedComposite, nil
}

// completedAnyway reports whether a CompleteMultipartUpload that failed did
// complete: when its answer is lost (a reset, a timeout) the client's retry
// finds the upload gone (NoSuchUpload), yet the object is there. It is ours
// if its ETag is the composite of our parts' MD5s; the upload is then
// aborted in case it is still open, which is harmless when it is gone.
func (u *mpu) completedAnyway(ctx context.Context, want string) (string, bool) {
	if ctx.Err() != nil || u.noDigest.Load() || !md5Comparable(u.in.SSE) {
		return "", false
	}
	info, err := u.m.c.HeadObject(ctx, client.HeadObjectInput{Bucket: u.in.Bucket, Key: u.in.Key})
	if err != nil || !sameETag(info.ETag, want) {
		return "", false
	}
	return info.ETag, u.abort(ctx) == nil
}

// abort cancels the upload on a fresh context, since the caller's may be
// the reason we are aborting. It reports whether the upload is gone.
func (u *mpu) abort(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), u.m.opts.AbortTimeout)
	defer cancel()
	err := u.m.c.AbortMultipartUpload(ctx, u.in.Bucket, u.in.Key, u.id)
	if err == nil || errors.Is(err, client.ErrNoSuchUpload) {
		return nil
	}
	return err
}

// failed aborts after err and returns the error to report: err itself,
// with a note when the abort failed too and the upload was left behind.
func (u *mpu) failed(ctx context.Context, err error) error {
	if aerr := u.abort(ctx); aerr != nil {
		return fmt.Errorf("%w (and the multipart upload %s could not be aborted: %v)", err, u.id, aerr)
	}
	return err
}
