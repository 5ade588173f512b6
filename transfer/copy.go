package transfer

import (
	"cmp"
	"context"
	"crypto/md5"
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
	// whatever the directive.
	Dest UploadInput
}

// Copy copies an object within the service: one CopyObject up to
// Options.CopyThreshold (at most 5 GiB), else a multipart upload whose
// parts are copied in parallel with UploadPartCopy. Both are pinned to the
// source's ETag, so a source replaced mid-copy fails the copy. A failed
// multipart copy is aborted.
func (m *Manager) Copy(ctx context.Context, in CopyInput) (*Result, error) {
	obj := object{em: m.em, op: OpCopy, source: S3URL(in.SourceBucket, in.SourceKey), dest: S3URL(in.Dest.Bucket, in.Dest.Key), size: -1}
	if in.Listed != nil {
		obj.size = in.Listed.Size
	}
	obj.emit(Started, 0, nil, nil)
	res, err := m.copyObject(ctx, in, obj)
	obj.finish(res, err)
	return res, err
}

func (m *Manager) copyObject(ctx context.Context, in CopyInput, obj object) (*Result, error) {
	keep := in.KeepSourceProps && in.MetadataDirective == client.MetadataReplace
	if in.Listed != nil && in.Listed.Size <= m.opts.CopyThreshold && !keep {
		return m.copySingle(ctx, in, in.Listed.Size, in.Listed.ETag, obj)
	}
	info, err := m.head(ctx, DownloadInput{Bucket: in.SourceBucket, Key: in.SourceKey, VersionID: in.SourceVersionID, CustomerKey: in.SourceCustomerKey})
	if err != nil {
		return nil, err
	}
	if keep {
		in.Dest.ObjectAttributes = withSourceProps(in.Dest.ObjectAttributes, info)
	}
	if info.Size <= m.opts.CopyThreshold {
		return m.copySingle(ctx, in, info.Size, info.ETag, obj)
	}
	return m.copyParts(ctx, in, info, obj)
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
	res := &Result{Op: OpCopy, Source: obj.source, Dest: obj.dest, Size: size, ETag: out.ETag, VersionID: out.VersionID}
	if isMD5ETag(etag) && isMD5ETag(out.ETag) && md5Comparable(in.Dest.SSE) && in.SourceCustomerKey == nil {
		if !sameETag(etag, out.ETag) {
			return nil, &IntegrityError{What: obj.dest, Want: trimETag(etag), Got: trimETag(out.ETag)}
		}
		res.Verified = VerifiedMD5
	}
	return res, nil
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
	count := partCount(info.Size, ps)
	g := newGroup(ctx, m.opts.PartConcurrency)
	for n := 1; n <= count; n++ {
		off := int64(n-1) * ps
		length := min(ps, info.Size-off)
		if !g.Go(func(ctx context.Context) error { return m.copyPart(ctx, u, in, info.ETag, int32(n), off, length) }) {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return nil, u.failed(ctx, err)
	}
	etag, verified, err := u.complete(ctx, count)
	if err != nil {
		return nil, u.failed(ctx, err)
	}
	if err := m.sourceUnchanged(ctx, in, info, obj); err != nil {
		return nil, err
	}
	return &Result{Op: OpCopy, Source: obj.source, Dest: obj.dest, Size: info.Size, ETag: etag, Parts: count,
		PartSize: ps, Verified: verified}, nil
}

// sourceUnchanged checks, after a multipart copy, that the source is still
// the version whose parts were asked for: the parts are pinned with
// x-amz-copy-source-if-match, but a server may ignore it and copy some
// parts from a newer version. Nothing is claimed copied (and mv removes
// nothing) unless the source is unchanged.
func (m *Manager) sourceUnchanged(ctx context.Context, in CopyInput, info client.ObjectInfo, obj object) error {
	now, err := m.head(ctx, DownloadInput{Bucket: in.SourceBucket, Key: in.SourceKey, VersionID: in.SourceVersionID, CustomerKey: in.SourceCustomerKey})
	if err != nil {
		return fmt.Errorf("%s was copied to %s, but the source could not be checked afterwards: %w", obj.source, obj.dest, err)
	}
	if !sameETag(now.ETag, info.ETag) {
		return &ChangedError{Object: obj.source, ETag: info.ETag, Detail: fmt.Sprintf("it has ETag %s now and the server ignored "+
			"x-amz-copy-source-if-match: %s may mix two versions; copy it again", printableETag(now.ETag), obj.dest)}
	}
	return nil
}

func (m *Manager) copyPart(ctx context.Context, u *mpu, in CopyInput, etag string, n int32, off, length int64) error {
	var partETag string
	err := m.withSlot(ctx, func() (err error) {
		partETag, err = m.c.UploadPartCopy(ctx, client.UploadPartCopyInput{Bucket: u.in.Bucket, Key: u.in.Key, UploadID: u.id,
			PartNumber: n, SourceBucket: in.SourceBucket, SourceKey: in.SourceKey, SourceVersionID: in.SourceVersionID, SourceIfMatch: etag,
			SourceRange:       fmt.Sprintf("bytes=%d-%d", off, off+length-1),
			SourceCustomerKey: in.SourceCustomerKey, CustomerKey: u.in.SSE.CustomerKey})
		return err
	})
	if errors.Is(err, client.ErrPreconditionFailed) {
		return &ChangedError{Object: u.obj.source, ETag: etag, Err: err}
	}
	if err != nil {
		return err
	}
	p := partDone{etag: partETag, size: length}
	if raw, err := hex.DecodeString(trimETag(partETag)); err == nil && len(raw) == md5.Size {
		copy(p.sum[:], raw) // the service's MD5 of the range: lets complete check the assembly
	} else {
		u.noDigest.Store(true)
	}
	u.record(n, p)
	u.obj.bytes(length)
	return nil
}
