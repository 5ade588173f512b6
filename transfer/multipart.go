package transfer

import (
	"context"
	"crypto/md5"
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
// recompute the composite ETag and verify every byte without asking the
// service for part 1's size first. Options.NoPartSizeMetadata leaves it
// out.
const PartSizeMetadata = "qcli-part-size"

// mpu is one S3 multipart upload in progress, the S3 partWriter: its id,
// and the parts sent and verified so far. A part's MD5 is computed as it
// is sent where nothing needs it before the body (see hashWhileSending);
// otherwise the part is read once for its digests and once to send it
// with them. Its ETag is compared with the MD5, and the composite ETag
// with the parts' at completion.
type mpu struct {
	m   *Manager
	in  UploadInput
	obj object
	id  string
	// answeredSSE is the encryption the service named when the upload
	// began ("" for one resumed): SSE-KMS from a bucket's default means
	// part ETags that are no MD5s.
	answeredSSE string
	hs          *partHashers // the MD5s of parts in flight, side by side
	// src is the file parts are read from, whose change explains a part
	// that reads short; nil for a stream.
	src *source
	// onService holds the parts an interrupted upload already sent
	// (resume): a part is kept when its size and MD5 match.
	onService map[int32]client.Part
	kept      atomic.Int32 // parts kept from onService

	mu    sync.Mutex
	parts map[int32]partDone
	// noDigest: some part's MD5 is unknown (a copied part whose ETag is
	// not an MD5, or is of a part encrypted with KMS), so the composite
	// ETag cannot be checked.
	noDigest atomic.Bool

	// What complete found: the object's ETag and version, and how it
	// was verified (Result.Verified).
	etag, versionID, verified string
}

type partDone struct {
	etag     string
	sum      [md5.Size]byte
	size     int64
	checksum client.Checksum // with UploadInput.ChecksumAlgorithm
}

// createUpload starts a multipart upload, recording partSize in the
// object's metadata (PartSizeMetadata) when it is positive.
func (m *Manager) createUpload(ctx context.Context, in UploadInput, obj object, partSize int64) (*mpu, error) {
	attrs := in.ObjectAttributes
	if partSize > 0 && !m.opts.NoPartSizeMetadata {
		attrs.Metadata = maps.Clone(attrs.Metadata)
		if attrs.Metadata == nil {
			attrs.Metadata = map[string]string{}
		}
		attrs.Metadata[PartSizeMetadata] = strconv.FormatInt(partSize, 10)
	}
	var out client.CreateMultipartUploadOutput
	err := m.withSlot(ctx, func() (err error) {
		out, err = m.c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: in.Bucket, Key: in.Key,
			ChecksumAlgorithm: in.ChecksumAlgorithm, ObjectAttributes: attrs})
		return err
	})
	if err != nil {
		return nil, err
	}
	u := m.openUpload(in, obj, out.UploadID)
	u.answeredSSE = out.SSE
	return u, nil
}

// openUpload is the mpu of an upload already created.
func (m *Manager) openUpload(in UploadInput, obj object, id string) *mpu {
	return &mpu{m: m, in: in, obj: obj, id: id, hs: &partHashers{}, parts: map[int32]partDone{}}
}

// multipart is how the Manager runs the parts of obj.
func (m *Manager) multipart(obj object) multipart {
	return multipart{parallel: m.opts.PartConcurrency, report: obj.bytes, abortTimeout: m.opts.AbortTimeout}
}

// writePart hashes the part and sends it, unless an interrupted upload
// already sent it.
func (u *mpu) writePart(ctx context.Context, p *part) error {
	if u.hashWhileSending(p) {
		return u.sendHashing(ctx, p)
	}
	sum, err := u.sum(p)
	if err != nil {
		return err
	}
	if u.keep(p, sum) {
		return nil
	}
	return u.sendPart(ctx, p, sum)
}

// sum reads p's body once for its digests (see partSum) and rewinds it.
func (u *mpu) sum(p *part) (partSum, error) {
	sum, n, err := sumWith(u.hs.New(), p.body, &u.m.copies, u.m.sumOpts(u.in))
	if err == nil && n < p.size {
		err = fmt.Errorf("part %d of %s: %d bytes could be read, not %d", p.n, u.obj.dest, n, p.size)
		if u.src != nil {
			err = u.src.shrank(p.off, p.size, n)
		}
	}
	if err != nil {
		return sum, err
	}
	_, err = p.body.Seek(0, io.SeekStart)
	return sum, err
}

// keep records p as sent when the service already holds a part of its
// size whose ETag is its MD5 (a resumed upload).
func (u *mpu) keep(p *part, sum partSum) bool {
	s, ok := u.onService[int32(p.n)]
	if !ok || s.Size != p.size || !sameETag(s.ETag, sum.md5Hex()) {
		return false
	}
	u.record(int32(p.n), partDone{etag: s.ETag, sum: sum.md5, size: p.size})
	u.kept.Add(1)
	p.report(p.size)
	return true
}

// sendPart uploads one part with its Content-MD5 and checks the ETag the
// service returns, so a part corrupted on the way is never completed.
func (u *mpu) sendPart(ctx context.Context, p *part, sum partSum) error {
	out, err := u.uploadPart(ctx, p, p.sendBody(), b64(sum.md5[:]), sum)
	if err != nil {
		return err
	}
	return u.checkPart(p, sum, out)
}

// hashWhileSending says whether p's MD5 can be computed as the request
// sends it, which saves reading the part a second time (about a tenth of
// an upload's CPU): when nothing must precede the body (no SHA-256 to sign
// it with, as over plain HTTP; no flexible checksum), when the ETag that
// comes back is the MD5 to compare it with (not with SSE-KMS or SSE-C,
// whether asked for or named by the service when the upload began),
// when no earlier run's part must be matched first (a resumed upload),
// and while the service has not shown it needs the digest first (see
// Manager.digestFirst).
//
// The part then goes without a Content-MD5, so the service does not check
// it on arrival; the ETag check after is as strict: a part whose ETag is
// not the MD5 of the bytes sent fails the upload before it completes.
func (u *mpu) hashWhileSending(p *part) bool {
	_, resumed := u.onService[int32(p.n)]
	return p.body != nil && !resumed && u.in.ChecksumAlgorithm == "" && writeMD5Comparable(u.in.SSE, u.answeredSSE) &&
		!u.m.c.SignsPayload() && !u.m.digestFirst.Load()
}

// sendHashing sends p without a Content-MD5, hashing it as it goes, and
// compares the ETag the service returns with that MD5. When the service
// refuses a part without a digest (S3 does in a bucket with Object Lock),
// or answers with an ETag that is not an MD5 to compare (one that does not
// look like it, or one of a part it says it encrypted with KMS, as S3 does
// in a bucket whose default encryption is SSE-KMS), the part is sent again
// the other way, with its Content-MD5, as every part after it is: so no
// part is stored unchecked.
func (u *mpu) sendHashing(ctx context.Context, p *part) error {
	out, sum, err := u.sendWhileHashing(ctx, p)
	switch {
	case errors.Is(err, client.ErrInvalidRequest), err == nil && !etagIsMD5(u.in.SSE, out.SSE, out.ETag):
		return u.sendAgainWithDigest(ctx, p)
	case err != nil:
		return err
	case sum == nil: // the client did not read the body whole, in order: hash it apart
		return u.resend(ctx, p)
	}
	return u.checkPart(p, *sum, out)
}

// sendWhileHashing sends p without a Content-MD5 and returns the MD5 of
// the bytes its last attempt sent; nil when the client did not read them
// whole and in order. The hasher is released before any resend takes one.
func (u *mpu) sendWhileHashing(ctx context.Context, p *part) (client.UploadPartOutput, *partSum, error) {
	body := &hashingBody{r: p.sendBody(), newHash: u.hs.New}
	defer body.close()
	out, err := u.uploadPart(ctx, p, body, "", partSum{})
	if err != nil {
		return out, nil, err
	}
	sum, ok := body.sum(p.size)
	if !ok {
		return out, nil, nil
	}
	return out, &sum, nil
}

// sendAgainWithDigest sends p again, hashed first, after the service
// showed it needs that; so do the parts after it.
func (u *mpu) sendAgainWithDigest(ctx context.Context, p *part) error {
	u.m.digestFirst.Store(true)
	return u.resend(ctx, p)
}

// resend hashes p from its start and sends it with its Content-MD5.
func (u *mpu) resend(ctx context.Context, p *part) error {
	if _, err := p.sendBody().Seek(0, io.SeekStart); err != nil {
		return err
	}
	sum, err := u.sum(p)
	if err != nil {
		return err
	}
	return u.sendPart(ctx, p, sum)
}

// uploadPart sends body as part p, with contentMD5 and sum's other
// digests where they were computed before.
func (u *mpu) uploadPart(ctx context.Context, p *part, body io.ReadSeeker, contentMD5 string, sum partSum) (out client.UploadPartOutput, err error) {
	err = u.m.withSlot(ctx, func() (err error) {
		out, err = u.m.c.UploadPart(ctx, client.UploadPartInput{
			Bucket: u.in.Bucket, Key: u.in.Key, UploadID: u.id, PartNumber: int32(p.n),
			Body: body, ContentLength: p.size,
			ContentMD5: contentMD5, PayloadSHA256: sum.sha256, CustomerKey: u.in.SSE.CustomerKey,
			ChecksumAlgorithm: u.in.ChecksumAlgorithm, Checksum: sum.checksum,
		})
		return err
	})
	return out, err
}

// checkPart compares the ETag the service returned for p with its MD5 and
// records the part.
func (u *mpu) checkPart(p *part, sum partSum, out client.UploadPartOutput) error {
	n := int32(p.n)
	if _, err := sum.checkETag(u.in.SSE, out.SSE, out.ETag, fmt.Sprintf("part %d of %s", n, u.obj.dest)); err != nil {
		return err
	}
	u.record(n, partDone{etag: out.ETag, sum: sum.md5, size: p.size, checksum: out.Checksum})
	return nil
}

func (u *mpu) record(n int32, p partDone) {
	u.mu.Lock()
	u.parts[n] = p
	u.mu.Unlock()
}

// complete assembles the parts 1..count and checks the composite ETag.
// With NoOverwrite it completes only if the key is free (If-None-Match).
func (u *mpu) complete(ctx context.Context, count int) error {
	done := make([]client.CompletedPart, 0, count)
	sums := make([][md5.Size]byte, 0, count)
	for n := int32(1); n <= int32(count); n++ {
		p, ok := u.parts[n]
		if !ok {
			return fmt.Errorf("upload of %s: part %d is missing", u.obj.dest, n)
		}
		done = append(done, client.CompletedPart{PartNumber: n, ETag: p.etag, Checksum: p.checksum})
		sums = append(sums, p.sum)
	}
	want := compositeETag(sums)
	var out client.CompleteMultipartUploadOutput
	err := u.m.createOnly(u.in, func(ifNoneMatch string) error {
		return u.m.withSlot(ctx, func() (err error) {
			out, err = u.m.c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: u.in.Bucket, Key: u.in.Key,
				UploadID: u.id, Parts: done, IfNoneMatch: ifNoneMatch})
			return err
		})
	})
	if err != nil {
		if etag, ok := u.completedAnyway(ctx, err, want); ok {
			u.etag, u.verified = etag, VerifiedComposite
			return nil
		}
		return u.m.taken(u.in, u.obj, err)
	}
	u.etag, u.versionID = out.ETag, out.VersionID
	switch _, multi := multipartETag(out.ETag); {
	case u.noDigest.Load():
	case !multi || !writeMD5Comparable(u.in.SSE, out.SSE):
		u.verified = VerifiedContentMD5
	case !sameETag(out.ETag, want):
		return &IntegrityError{What: u.obj.dest, Want: want, Got: trimETag(out.ETag)}
	default:
		u.verified = VerifiedComposite
	}
	return nil
}

// completedAnyway reports whether a CompleteMultipartUpload that failed
// with err did complete: when its answer is lost (a reset, a timeout) the
// call fails without an answer (*client.ConnectionError), or the client's
// retry finds the upload gone (NoSuchUpload), or with NoOverwrite the key
// taken (PreconditionFailed), yet the object is there. It is ours if its
// ETag is the composite of our parts' MD5s; the upload is then aborted in
// case it is still open, which is harmless when it is gone. Any other
// error (InvalidPart, AccessDenied) is the service refusing this Complete:
// an earlier object of the same bytes and part size has that ETag too, and
// taking it for ours would report an upload Done whose metadata was never
// stored.
func (u *mpu) completedAnyway(ctx context.Context, err error, want string) (string, bool) {
	var lost *client.ConnectionError
	mayHaveCompleted := errors.As(err, &lost) || errors.Is(err, client.ErrNoSuchUpload) ||
		u.in.NoOverwrite && errors.Is(err, client.ErrPreconditionFailed)
	if !mayHaveCompleted || ctx.Err() != nil || u.noDigest.Load() || !md5Comparable(u.in.SSE) {
		return "", false
	}
	info, err := u.m.c.HeadObject(ctx, client.HeadObjectInput{Bucket: u.in.Bucket, Key: u.in.Key})
	if err != nil || !sameETag(info.ETag, want) {
		return "", false
	}
	actx, cancel := freshContext(ctx, u.m.opts.AbortTimeout)
	defer cancel()
	return info.ETag, u.abortUpload(actx) == nil
}

// abortUpload aborts the upload; nil when it is gone.
func (u *mpu) abortUpload(ctx context.Context) error {
	err := u.m.c.AbortMultipartUpload(ctx, u.in.Bucket, u.in.Key, u.id)
	if err == nil || errors.Is(err, client.ErrNoSuchUpload) {
		return nil
	}
	return err
}

// abort aborts the upload after cause, noting in the error when the abort
// failed and the upload was left behind.
func (u *mpu) abort(ctx context.Context, cause error) error {
	if err := u.abortUpload(ctx); err != nil {
		return fmt.Errorf("%w (and the multipart upload %s could not be aborted: %v)", cause, u.id, err)
	}
	return cause
}

// result is the Result of the completed upload of count parts of ps bytes.
func (u *mpu) result(size int64, count int, ps int64) *Result {
	return &Result{Op: u.obj.op, Source: u.obj.source, Dest: u.obj.dest, Size: size, ETag: u.etag, VersionID: u.versionID,
		Parts: count, PartSize: ps, ResumedParts: int(u.kept.Load()), Verified: u.verified}
}
