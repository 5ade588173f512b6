package transfer

import (
	"context"
	"io"
	"os"

	"github.com/quilibrium/qcli/client"
)

// sameBytes decides a case the default sync rule gets wrong on its own:
// an object newer than a same-size local file, as every object is after
// `sync DIR s3://b/p/` uploaded the files. Downloading them all again would
// make a round trip move everything; trusting the sizes (as the AWS CLI
// does) would miss real same-size edits. So the local file's MD5 is
// compared with the object's ETag first, and on a match the file is given
// the object's time, so the next sync need not hash it again.
func (s *syncer) sameBytes(src, dst Entry) bool {
	if !s.dst.IsLocal() || s.o.SizeOnly || s.o.ExactTimestamps || src.Size != dst.Size {
		return false
	}
	if !s.m.sameAsObject(s.ctx, s.src.Bucket, src, dst.Path, s.o.SourceCustomerKey) {
		return false
	}
	// A symlink is left alone: its target may lie outside the destination.
	if info, err := os.Lstat(dst.Path); err == nil && info.Mode().IsRegular() && !s.o.DryRun {
		_ = os.Chtimes(dst.Path, src.ModTime, src.ModTime)
	}
	return true
}

// sameAsObject reports whether the file at path holds the bytes of the
// listed object e: its MD5 equals a plain ETag, or its part MD5s a
// composite one (the part size from the metadata qcli records at upload,
// which costs a HEAD). False whenever that cannot be known (SSE-KMS, SSE-C,
// unknown part layout, a read error): the object is then downloaded.
func (m *Manager) sameAsObject(ctx context.Context, bucket string, e Entry, path string, customerKey []byte) bool {
	info := client.ObjectInfo{Bucket: bucket, Key: e.Key, Size: e.Size, ETag: e.ETag}
	if _, multipart := multipartETag(e.ETag); multipart {
		head, err := m.head(ctx, DownloadInput{Bucket: bucket, Key: e.Key, CustomerKey: customerKey})
		if err != nil || !sameETag(head.ETag, e.ETag) {
			return false
		}
		info = head
	}
	plan := m.planDigest(ctx, info, customerKey, "")
	if plan.partSize == 0 {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	v := newVerifier(plan)
	if n, err := io.Copy(v, io.LimitReader(f, e.Size+1)); err != nil || n != e.Size {
		return false
	}
	_, err = v.check(path)
	return err == nil
}
