package transfer

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/client"
)

// CopyInput is a copy within the service.
type CopyInput struct {
	SourceBucket, SourceKey string
	// SourceVersionID copies that version of the source rather than the
	// latest; every request of the copy names it.
	SourceVersionID   string
	SourceCustomerKey []byte
	// Listed, when set, is the source as a listing reported it; the copy is
	// then pinned to the listed ETag.
	Listed *client.Object
	// MetadataDirective is client.MetadataCopy (the default: keep the
	// source's content type and metadata) or client.MetadataReplace (use
	// Dest's attributes).
	MetadataDirective string
	// KeepSourceProps, with client.MetadataReplace, keeps each content
	// header (Content-Type, Cache-Control, Content-Disposition,
	// Content-Encoding, Content-Language, Expires) that Dest leaves empty,
	// and the user metadata when Dest has none, from the source (read with
	// a HEAD): so a new content type alone changes nothing else.
	KeepSourceProps bool
	// TaggingDirective is client.MetadataCopy (the default: keep the
	// source's tags; a multipart copy reads them with GetObjectTagging) or
	// client.MetadataReplace (Dest's Tags, none when empty).
	TaggingDirective string
	// Dest names the new object; its ACL, storage class, SSE and tags apply
	// whatever the directive. Its NoOverwrite applies to multipart copies
	// (see UploadInput.NoOverwrite); its Progress is not used.
	Dest UploadInput
	// Progress, when set, receives this call's events instead of
	// Options.Progress.
	Progress func(Event)
}

// Copy copies an object within the service: one CopyObject up to
// Options.CopyThreshold (at most 5 GiB), else a multipart upload whose
// parts are copied in parallel with UploadPartCopy. Both are pinned to the
// source's ETag, so a source replaced mid-copy fails the copy. A failed
// multipart copy is aborted.
func (m *Manager) Copy(ctx context.Context, in CopyInput) (*Result, error) {
	return m.copyEvents(ctx, in, m.emitterFor(in.Progress))
}

// copyEvents is Copy with its events going to em.
func (m *Manager) copyEvents(ctx context.Context, in CopyInput, em *emitter) (*Result, error) {
	obj := object{em: em, op: OpCopy, source: S3URL(in.SourceBucket, in.SourceKey), dest: S3URL(in.Dest.Bucket, in.Dest.Key), size: -1}
	res, err := m.copyObject(ctx, in, &obj)
	obj.finish(res, err)
	return res, err
}

// copyObject copies; obj is Started once the source's size is known.
func (m *Manager) copyObject(ctx context.Context, in CopyInput, obj *object) (*Result, error) {
	keep := in.KeepSourceProps && in.MetadataDirective == client.MetadataReplace
	if in.Listed != nil && in.Listed.Size <= m.opts.CopyThreshold && !keep {
		obj.start(in.Listed.Size)
		return m.copySingle(ctx, in, in.Listed.Size, in.Listed.ETag, *obj)
	}
	info, err := m.head(ctx, in.source())
	if err != nil {
		return nil, err
	}
	obj.start(info.Size)
	if keep {
		in.Dest.ObjectAttributes = withSourceProps(in.Dest.ObjectAttributes, info)
	}
	if info.Size <= m.opts.CopyThreshold {
		return m.copySingle(ctx, in, info.Size, info.ETag, *obj)
	}
	return m.copyParts(ctx, in, info, *obj)
}

// copyAttributes is what a copy sets on the new object: with the COPY
// directive only what is not metadata (ACL, storage class, SSE, tags).
func copyAttributes(in CopyInput) client.ObjectAttributes {
	a := in.Dest.ObjectAttributes
	if in.MetadataDirective != client.MetadataReplace {
		a.ContentType, a.CacheControl, a.ContentDisposition, a.ContentEncoding, a.ContentLanguage = "", "", "", "", ""
		a.Expires, a.Metadata = time.Time{}, nil
	}
	return a
}

// withSourceProps fills the content headers a leaves empty, and the
// metadata when a has none, from the source object's.
func withSourceProps(a client.ObjectAttributes, src client.ObjectInfo) client.ObjectAttributes {
	a.ContentType = cmp.Or(a.ContentType, src.ContentType)
	a.CacheControl = cmp.Or(a.CacheControl, src.CacheControl)
	a.ContentDisposition = cmp.Or(a.ContentDisposition, src.ContentDisposition)
	a.ContentEncoding = cmp.Or(a.ContentEncoding, src.ContentEncoding)
	a.ContentLanguage = cmp.Or(a.ContentLanguage, src.ContentLanguage)
	if t, err := http.ParseTime(src.Expires); a.Expires.IsZero() && err == nil {
		a.Expires = t
	}
	if a.Metadata == nil {
		a.Metadata = maps.Clone(src.Metadata)
	}
	return a
}

func (m *Manager) copySingle(ctx context.Context, in CopyInput, size int64, etag string, obj object) (*Result, error) {
	var out client.CopyObjectOutput
	err := m.withSlot(ctx, func() (err error) {
		out, err = m.c.CopyObject(ctx, client.CopyObjectInput{SourceBucket: in.SourceBucket, SourceKey: in.SourceKey, SourceVersionID: in.SourceVersionID,
			SourceCustomerKey: in.SourceCustomerKey, SourceIfMatch: etag, Bucket: in.Dest.Bucket, Key: in.Dest.Key,
			MetadataDirective: in.MetadataDirective, TaggingDirective: in.TaggingDirective, ObjectAttributes: copyAttributes(in)})
		return err
	})
	if errors.Is(err, client.ErrPreconditionFailed) {
		return nil, &ChangedError{Object: obj.source, ETag: etag, Err: err}
	}
	if err != nil {
		return nil, err
	}
	obj.bytes(size)
	verified, err := m.checkCopy(ctx, in, etag, out, obj.dest)
	if err != nil {
		return nil, err
	}
	return &Result{Op: OpCopy, Source: obj.source, Dest: obj.dest, Size: size, ETag: out.ETag, VersionID: out.VersionID, Verified: verified}, nil
}

// checkCopy compares the ETag of a single-request copy with its source's,
// etag, where both are MD5s of the bytes: VerifiedMD5 when they are equal,
// "" when there is nothing to compare. The copy's answer says whether its
// ETag is one (see etagIsMD5). Whether the source's is, a listing does not
// say: a source in a bucket whose default encryption is SSE-KMS has a
// 32-hex ETag that is not its MD5, so before a mismatch is called an
// integrity failure the source is asked (HEAD) how it is encrypted.
func (m *Manager) checkCopy(ctx context.Context, in CopyInput, etag string, out client.CopyObjectOutput, dest string) (string, error) {
	if !isMD5ETag(etag) || in.SourceCustomerKey != nil || !etagIsMD5(in.Dest.SSE, out.SSE, out.ETag) {
		return "", nil
	}
	if sameETag(etag, out.ETag) {
		return VerifiedMD5, nil
	}
	if src, err := m.head(ctx, in.source()); err == nil && sameETag(src.ETag, etag) && !md5ComparableInfo(src.SSE, nil) {
		return "", nil
	}
	return "", &IntegrityError{What: dest, Want: trimETag(etag), Got: trimETag(out.ETag)}
}

// copyParts copies a large object part by part. With the COPY directives
// the source's content headers, metadata and tags are carried over by
// hand, because a new multipart upload starts with none.
func (m *Manager) copyParts(ctx context.Context, in CopyInput, info client.ObjectInfo, obj object) (*Result, error) {
	ps, err := PartSize(info.Size, m.opts.PartSize)
	if err != nil {
		return nil, err
	}
	dest := in.Dest
	dest.ChecksumAlgorithm = "" // UploadPartCopy carries none; see UploadInput
	if in.MetadataDirective != client.MetadataReplace {
		dest.ObjectAttributes = withSourceProps(copyAttributes(in), info)
	}
	if in.TaggingDirective != client.MetadataReplace { // as CopyObject's COPY: the source's tags
		var tags client.ObjectTags
		err := m.withSlot(ctx, func() (err error) {
			tags, err = m.c.GetObjectTagging(ctx, client.ObjectRef{Bucket: in.SourceBucket, Key: in.SourceKey, VersionID: in.SourceVersionID})
			return err
		})
		if err != nil {
			return nil, err
		}
		dest.Tags = tags.Tags
	}
	u, err := m.createUpload(ctx, dest, obj, ps)
	if err != nil {
		return nil, err
	}
	count, err := m.multipart(obj).run(ctx, &copyWriter{mpu: u, src: in, etag: info.ETag}, fixedParts(info.Size, ps, nil))
	if err != nil {
		return nil, err
	}
	if err := m.sourceUnchanged(ctx, in, info, obj); err != nil {
		return nil, err
	}
	return u.result(info.Size, count, ps), nil
}

// sourceUnchanged checks, after a multipart copy, that the source is still
// the version whose parts were asked for: the parts are pinned with
// x-amz-copy-source-if-match, but a server may ignore it and copy some
// parts from a newer version. Nothing is claimed copied (and mv removes
// nothing) unless the source is unchanged.
func (m *Manager) sourceUnchanged(ctx context.Context, in CopyInput, info client.ObjectInfo, obj object) error {
	now, err := m.head(ctx, in.source())
	if err != nil {
		return fmt.Errorf("%s was copied to %s, but the source could not be checked afterwards: %w", obj.source, obj.dest, err)
	}
	if !sameETag(now.ETag, info.ETag) {
		return &ChangedError{Object: obj.source, ETag: info.ETag, Detail: fmt.Sprintf("it has ETag %s now and the server ignored "+
			"x-amz-copy-source-if-match: %s may mix two versions; copy it again", printableETag(now.ETag), obj.dest)}
	}
	return nil
}

// copyWriter is the partWriter of a multipart copy: each part is a range
// of the source, pinned to its ETag, that the service copies itself
// (UploadPartCopy); completion and abort are the upload's.
type copyWriter struct {
	*mpu
	src  CopyInput
	etag string
}

func (w *copyWriter) writePart(ctx context.Context, p *part) error {
	u, in, n := w.mpu, w.src, int32(p.n)
	var out client.UploadPartCopyOutput
	err := u.m.withSlot(ctx, func() (err error) {
		out, err = u.m.c.UploadPartCopy(ctx, client.UploadPartCopyInput{Bucket: u.in.Bucket, Key: u.in.Key, UploadID: u.id,
			PartNumber: n, SourceBucket: in.SourceBucket, SourceKey: in.SourceKey, SourceVersionID: in.SourceVersionID, SourceIfMatch: w.etag,
			SourceRange:       fmt.Sprintf("bytes=%d-%d", p.off, p.off+p.size-1),
			SourceCustomerKey: in.SourceCustomerKey, CustomerKey: u.in.SSE.CustomerKey})
		return err
	})
	if errors.Is(err, client.ErrPreconditionFailed) {
		return &ChangedError{Object: u.obj.source, ETag: w.etag, Err: err}
	}
	if err != nil {
		return err
	}
	done := partDone{etag: out.ETag, size: p.size}
	if etagIsMD5(u.in.SSE, out.SSE, out.ETag) {
		// The service's MD5 of the range: lets complete check the assembly.
		_, _ = hex.Decode(done.sum[:], []byte(trimETag(out.ETag)))
	} else {
		u.noDigest.Store(true)
	}
	u.record(n, done)
	p.report(p.size)
	return nil
}

// source is the read of the copy's source object (its version, its SSE-C key).
func (in CopyInput) source() DownloadInput {
	return DownloadInput{Bucket: in.SourceBucket, Key: in.SourceKey, VersionID: in.SourceVersionID, CustomerKey: in.SourceCustomerKey}
}
