package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	// NoOverwrite writes only if the key holds no object: the PutObject,
	// or a multipart upload's completion, carries If-None-Match: *, so a
	// writer that got there first (even between a caller's check and the
	// write) is never replaced. The upload then fails with an error that
	// is ErrExists (a multipart upload is aborted) and the object's event
	// is Skipped. A service that answers NotImplemented to the condition
	// gets the write again without it, and the Manager stops sending it:
	// a HEAD before the upload is then the only guard. Copy honours it
	// only for multipart copies; CopyObject has no conditional create.
	NoOverwrite bool
	// Progress, when set, receives this call's events instead of
	// Options.Progress, with the same guarantees. Copy takes
	// CopyInput.Progress instead.
	Progress func(Event)
}

// ErrExists is the error of a NoOverwrite upload or copy whose key was
// taken: the service refused the conditional write, and nothing was
// written.
var ErrExists = errors.New("already exists")

func isExists(err error) bool { return errors.Is(err, ErrExists) }

// createOnly runs write, passing If-None-Match "*" when in asks for
// NoOverwrite. A service that answers NotImplemented to the condition (as
// S3 did before it had conditional writes) gets the write again without
// it, and the Manager stops sending it.
func (m *Manager) createOnly(in UploadInput, write func(ifNoneMatch string) error) error {
	if !in.NoOverwrite || m.noConditionalWrites.Load() {
		return write("")
	}
	err := write(client.IfNoneMatchAny)
	var ce *client.Error
	if errors.Is(err, client.ErrNotImplemented) || errors.As(err, &ce) && ce.StatusCode == http.StatusNotImplemented {
		m.noConditionalWrites.Store(true)
		return write("")
	}
	return err
}

// taken turns the service's refusal of a NoOverwrite write into ErrExists.
func (m *Manager) taken(in UploadInput, obj object, err error) error {
	if in.NoOverwrite && errors.Is(err, client.ErrPreconditionFailed) {
		return fmt.Errorf("%s: %w (the service refused to replace it: %w)", obj.dest, ErrExists, err)
	}
	return err
}

// ours reports whether a NoOverwrite PutObject refused because the key is
// taken did store the object: when the answer to the first attempt was
// lost, the client's retry finds the key taken by that very attempt. The
// object is ours if its ETag is our MD5; etag is then its ETag.
func (m *Manager) ours(ctx context.Context, in UploadInput, err error, md5hex string) (etag string, ok bool) {
	if !in.NoOverwrite || !errors.Is(err, client.ErrPreconditionFailed) || ctx.Err() != nil || !md5Comparable(in.SSE) {
		return "", false
	}
	info, herr := m.c.HeadObject(ctx, client.HeadObjectInput{Bucket: in.Bucket, Key: in.Key})
	return info.ETag, herr == nil && sameETag(info.ETag, md5hex)
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
	return m.uploadFile(ctx, path, in, m.emitterFor(in.Progress))
}

// uploadFile is UploadFile with its events going to em.
func (m *Manager) uploadFile(ctx context.Context, path string, in UploadInput, em *emitter) (*Result, error) {
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
	obj := object{em: em, op: OpUpload, source: path, dest: S3URL(in.Bucket, in.Key), size: info.Size()}
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
// ETags. With NoOverwrite it writes only if the key is free.
func (m *Manager) put(ctx context.Context, body io.ReadSeeker, size int64, sum partSum, in UploadInput, obj object) (*Result, error) {
	var out client.PutObjectOutput
	sent := &progressReader{r: body, report: obj.bytes}
	err := m.createOnly(in, func(ifNoneMatch string) error {
		return m.withSlot(ctx, func() (err error) {
			if _, err := sent.Seek(0, io.SeekStart); err != nil {
				return err
			}
			out, err = m.c.PutObject(ctx, client.PutObjectInput{Bucket: in.Bucket, Key: in.Key,
				Body: sent, ContentLength: size, IfNoneMatch: ifNoneMatch,
				ContentMD5: b64(sum.md5[:]), PayloadSHA256: sum.sha256, ChecksumAlgorithm: in.ChecksumAlgorithm, Checksum: sum.checksum, ObjectAttributes: in.ObjectAttributes})
			return err
		})
	})
	if etag, ok := m.ours(ctx, in, err, sum.md5Hex()); ok {
		return &Result{Op: OpUpload, Source: obj.source, Dest: obj.dest, Size: size, ETag: etag, Verified: VerifiedMD5}, nil
	}
	if err != nil {
		return nil, m.taken(in, obj, err)
	}
	res := &Result{Op: OpUpload, Source: obj.source, Dest: obj.dest, Size: size, ETag: out.ETag, VersionID: out.VersionID,
		Verified: VerifiedContentMD5}
	checked, err := sum.checkETag(in.SSE, out.SSE, out.ETag, obj.dest)
	if err != nil {
		return res, err
	}
	if checked {
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
	mp := m.multipart(obj)
	u, err := m.resumeOrCreate(ctx, mp, src, in, obj, ps)
	if err != nil {
		return nil, err
	}
	u.hs = m.lanes.hashers(min(partCount(size, u.ps), mp.parallel))
	defer u.hs.Close()
	count, err := mp.run(ctx, u, fixedParts(size, u.ps, f))
	if err != nil {
		return nil, err
	}
	u.forget()
	if err := src.changed(obj.dest); err != nil {
		return nil, err
	}
	return u.result(size, count, u.ps), nil
}

// fileUpload is the S3 multipart upload of a file: an mpu whose file is
// checked for changes before it completes, and whose resume state (see
// Options.StateDir) goes with it.
type fileUpload struct {
	*mpu
	source source
	ps     int64
	state  string // the resume state file; "" without Options.StateDir
}

// complete completes the upload unless the file changed while it was read.
func (f *fileUpload) complete(ctx context.Context, count int) error {
	if err := f.source.changed(""); err != nil {
		return err
	}
	return f.mpu.complete(ctx, count)
}

// abort aborts the upload; its state file goes too unless the abort
// failed, in which case the next run can still resume it. A change to
// the file explains a failure better than its symptom (a short read, a
// digest the service refused).
func (f *fileUpload) abort(ctx context.Context, cause error) error {
	if cerr := f.source.changed(""); cerr != nil {
		cause = cerr
	}
	if aerr := f.abortUpload(ctx); aerr != nil {
		note := "it is left on the service"
		if f.state != "" {
			note = "the next upload of this file resumes it"
		}
		return fmt.Errorf("%w (multipart upload %s could not be aborted: %v; %s)", cause, f.id, aerr, note)
	}
	f.forget()
	return cause
}

// forget removes the resume state of an upload that is complete or gone.
func (f *fileUpload) forget() {
	if f.state != "" {
		_ = os.Remove(f.state)
	}
}
