package transfer

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	md5simd "github.com/minio/md5-simd"

	"github.com/quilibrium/qcli/client"
)

// UploadInput names the object an upload writes and the attributes it gets.
type UploadInput struct {
	Bucket, Key string
	client.ObjectAttributes
	// ExpectedSize is, for Upload of a stream, the size the caller expects;
	// parts are sized as for a file of that size. Zero lets parts grow so
	// that a stream of up to 5 TiB fits. Ignored by UploadFile.
	ExpectedSize int64
	// ChecksumAlgorithm adds a checksum of that kind (CRC32, CRC32C, SHA1,
	// SHA256, CRC64NVME), which the service checks and stores with the
	// object, besides the Content-MD5: on the single request, or on every
	// part and, as their composite, on a multipart object. An upload with
	// one does not resume an interrupted one. Copy does not use it.
	ChecksumAlgorithm client.ChecksumAlgorithm
}

// S3URL renders bucket and key as s3://bucket/key.
func S3URL(bucket, key string) string { return "s3://" + bucket + "/" + key }

// UploadFile uploads the file at path: one PutObject below the threshold,
// else a multipart upload whose parts are read straight from the file
// (never copied into buffers) and sent in parallel. Every request carries
// its Content-MD5 and every returned ETag is compared with the local MD5.
// On any failure, cancellation included, a multipart upload is aborted.
// With Options.StateDir set, a multipart upload interrupted without an
// abort (a killed process, a lost network) resumes on the next call.
// A file that cannot be opened, or is not a regular file, gives a
// *SourceError (a tree operation skips it with a warning).
//
// The file must stay as it was while it is read: its size, modification
// time, change time and identity are compared at the end with the start.
// A change fails the upload with a *SourceChangedError (before a multipart
// upload completes, which is then aborted), since the bytes sent may be
// of two versions; a success therefore means the object holds the file's
// final content.
func (m *Manager) UploadFile(ctx context.Context, path string, in UploadInput) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &SourceError{Path: path, Err: err}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, &SourceError{Path: path, Err: err}
	}
	if !info.Mode().IsRegular() {
		return nil, &SourceError{Path: path, Err: ErrNotRegular}
	}
	obj := object{em: m.em, op: OpUpload, source: path, dest: S3URL(in.Bucket, in.Key), size: info.Size()}
	obj.emit(Started, 0, nil, nil)
	src := source{path: path, start: info}
	var res *Result
	if info.Size() < m.opts.Threshold {
		res, err = m.putFile(ctx, f, src, in, obj)
	} else {
		res, err = m.uploadFileParts(ctx, f, src, in, obj)
	}
	obj.finish(res, err)
	return res, err
}

// putFile sends a small file in one request. A change to the file explains
// any failure better than its symptom (a short body, a digest the service
// refused) and voids a success.
func (m *Manager) putFile(ctx context.Context, f *os.File, src source, in UploadInput, obj object) (*Result, error) {
	size := src.start.Size()
	sum, err := src.sum(f, md5simd.StdlibHasher(), &m.copies, m.sumOpts(in), 0, size)
	if err != nil {
		return nil, err
	}
	res, err := m.put(ctx, io.NewSectionReader(f, 0, size), size, sum, in, obj)
	stored := ""
	if err == nil {
		stored = obj.dest
	}
	if cerr := src.changed(stored); cerr != nil {
		return nil, cerr
	}
	return res, err
}

// put sends body (seekable, so the client can retry it) in one PutObject
// and compares the returned ETag with the MD5 where the service uses MD5
// ETags.
func (m *Manager) put(ctx context.Context, body io.ReadSeeker, size int64, sum partSum, in UploadInput, obj object) (*Result, error) {
	var out client.PutObjectOutput
	err := m.withSlot(ctx, func() (err error) {
		out, err = m.c.PutObject(ctx, client.PutObjectInput{Bucket: in.Bucket, Key: in.Key,
			Body: &progressReader{r: body, report: obj.bytes}, ContentLength: size,
			ContentMD5: b64(sum.md5[:]), PayloadSHA256: sum.sha256, ChecksumAlgorithm: in.ChecksumAlgorithm, Checksum: sum.checksum, ObjectAttributes: in.ObjectAttributes})
		return err
	})
	if err != nil {
		return nil, err
	}
	res := &Result{Op: OpUpload, Source: obj.source, Dest: obj.dest, Size: size, ETag: out.ETag, VersionID: out.VersionID,
		Verified: VerifiedContentMD5}
	if md5Comparable(in.SSE) && isMD5ETag(out.ETag) {
		if !sameETag(out.ETag, hex.EncodeToString(sum.md5[:])) {
			return res, &IntegrityError{What: obj.dest, Want: hex.EncodeToString(sum.md5[:]), Got: trimETag(out.ETag)}
		}
		res.Verified = VerifiedMD5
	}
	return res, nil
}

// uploadFileParts is the multipart path for a file. The part size is
// settled, and an object that cannot fit refused, before any request. The
// file is checked for changes once every part is sent, before the upload
// completes (a change aborts it), and again after.
func (m *Manager) uploadFileParts(ctx context.Context, f *os.File, src source, in UploadInput, obj object) (*Result, error) {
	size := src.start.Size()
	ps, err := PartSize(size, m.opts.PartSize)
	if err != nil {
		return nil, err
	}
	r, err := m.resumeOrCreate(ctx, src.path, src.start, in, obj, ps)
	if err != nil {
		return nil, err
	}
	count := partCount(size, r.ps)
	kept, err := m.sendFileParts(ctx, f, src, r, count)
	if cerr := src.changed(""); cerr != nil {
		err = cerr // the change explains a failure better than its symptom
	}
	if err != nil {
		return nil, m.uploadFailed(ctx, r, err)
	}
	etag, verified, err := r.u.complete(ctx, count)
	if err != nil {
		return nil, m.uploadFailed(ctx, r, err)
	}
	if r.file != "" {
		_ = os.Remove(r.file)
	}
	if err := src.changed(obj.dest); err != nil {
		return nil, err
	}
	return &Result{Op: OpUpload, Source: obj.source, Dest: obj.dest, Size: size, ETag: etag, Parts: count,
		PartSize: r.ps, ResumedParts: kept, Verified: verified}, nil
}

// uploadFailed aborts the upload; its state file goes too unless the abort
// failed, in which case the next run can still resume it.
func (m *Manager) uploadFailed(ctx context.Context, r *resumed, err error) error {
	if aerr := r.u.abort(ctx); aerr != nil {
		note := "it is left on the service"
		if r.file != "" {
			note = "the next upload of this file resumes it"
		}
		return fmt.Errorf("%w (multipart upload %s could not be aborted: %v; %s)", err, r.u.id, aerr, note)
	}
	if r.file != "" {
		_ = os.Remove(r.file)
	}
	return err
}

// sendFileParts uploads every part not already on the service, in
// parallel, and returns how many were kept from an earlier attempt.
func (m *Manager) sendFileParts(ctx context.Context, f *os.File, src source, r *resumed, count int) (int, error) {
	size := src.start.Size()
	hs := m.lanes.hashers(min(count, m.opts.PartConcurrency))
	defer hs.Close()
	g := newGroup(ctx, m.opts.PartConcurrency)
	kept := make([]bool, count+1)
	for n := 1; n <= count; n++ {
		off := int64(n-1) * r.ps
		length := min(r.ps, size-off)
		if !g.Go(func(ctx context.Context) error {
			var err error
			kept[n], err = m.filePart(ctx, f, src, hs, r, int32(n), off, length)
			return err
		}) {
			break
		}
	}
	err := g.Wait()
	total := 0
	for _, k := range kept {
		if k {
			total++
		}
	}
	return total, err
}

// filePart hashes one section of the file and sends it, unless the
// service already holds a part with that size and MD5 (a resumed upload).
// The section is read twice: once for its digests, once to send it.
func (m *Manager) filePart(ctx context.Context, f *os.File, src source, hs *partHashers, r *resumed, n int32, off, length int64) (kept bool, err error) {
	sum, err := src.sum(f, hs.New(), &m.copies, m.sumOpts(r.u.in), off, length)
	if err != nil {
		return false, err
	}
	if p, ok := r.parts[n]; ok && p.Size == length && sameETag(p.ETag, hex.EncodeToString(sum.md5[:])) {
		r.u.record(n, partDone{etag: p.ETag, sum: sum.md5, size: length})
		r.u.obj.bytes(length)
		return true, nil
	}
	return false, r.u.sendPart(ctx, n, io.NewSectionReader(f, off, length), length, sum)
}
