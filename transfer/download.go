package transfer

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/quilibrium/qcli/client"
)

// DownloadFile downloads an object to path. The bytes go to a temporary
// file beside path (parallel ranged GETs pinned to the object's ETag,
// written in place); only when the size and, where the ETag allows, the MD5
// or composite ETag match (or the object's full-object CRC64NVME, which is
// cheaper; any full-object checksum when there is no MD5 to check) is it
// synced and renamed onto path, with the object's modification time. A
// failed or cancelled download leaves path untouched and no temporary file
// behind. The parent directory is created.
func (m *Manager) DownloadFile(ctx context.Context, in DownloadInput, path string) (*Result, error) {
	return m.downloadFileEvents(ctx, in, path, m.emitterFor(in.Progress))
}

// downloadFileEvents is DownloadFile with its events going to em.
func (m *Manager) downloadFileEvents(ctx context.Context, in DownloadInput, path string, em *emitter) (*Result, error) {
	obj := object{em: em, op: OpDownload, source: S3URL(in.Bucket, in.Key), dest: path, size: -1}
	res, err := m.downloadFile(ctx, in, path, &obj)
	obj.finish(res, err)
	return res, err
}

func (m *Manager) downloadFile(ctx context.Context, in DownloadInput, path string, obj *object) (*Result, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	tmp, err := m.temps.create(path)
	if err != nil {
		// Name the file the user asked for; the temporary name means nothing to them.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	res, err := m.fillFile(ctx, in, tmp, obj)
	if err == nil {
		err = finishFile(tmp, path, res)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return res.Result, nil
}

// fileResult is a downloaded file's result and the object's mtime.
type fileResult struct {
	*Result
	info client.ObjectInfo
}

// finishFile syncs, closes, timestamps and renames the verified file.
func finishFile(tmp *os.File, path string, res *fileResult) error {
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if !res.info.LastModified.IsZero() {
		if err := os.Chtimes(tmp.Name(), res.info.LastModified, res.info.LastModified); err != nil {
			return err
		}
	}
	return os.Rename(tmp.Name(), path)
}

// fillFile writes the object into f and verifies it; obj is Started
// with the listed size, or once a HEAD found it.
func (m *Manager) fillFile(ctx context.Context, in DownloadInput, f *os.File, obj *object) (*fileResult, error) {
	if l := in.Listed; l != nil {
		obj.start(l.Size)
		if l.Size < m.opts.Threshold {
			return m.getWhole(ctx, in, f, *obj)
		}
	}
	info, err := m.head(ctx, in)
	if err != nil {
		return nil, err
	}
	if in.Listed == nil {
		obj.start(info.Size)
	}
	if info.Size < m.opts.Threshold {
		in.Listed = listedFrom(in.Key, info.Size, info.ETag)
		return m.getWhole(ctx, in, f, *obj)
	}
	return m.getRanges(ctx, in, info, f, *obj)
}

func (m *Manager) head(ctx context.Context, in DownloadInput) (client.ObjectInfo, error) {
	var info client.ObjectInfo
	err := m.withSlot(ctx, func() (err error) {
		info, err = m.c.HeadObject(ctx, client.HeadObjectInput{Bucket: in.Bucket, Key: in.Key, VersionID: in.VersionID,
			CustomerKey: in.CustomerKey, Checksums: true}) // planDigest may check one of them
		return err
	})
	return info, err
}

// getWhole reads a small object in one GET, hashing as it writes. A body
// that breaks off, or ends short of the listed size (a wrong
// Content-Length), is resumed from where it stopped with ranged GETs
// pinned to the ETag, as the ranges of a large object are. Nothing past
// the listed size is ever written: a body with more fails the download.
func (m *Manager) getWhole(ctx context.Context, in DownloadInput, w io.Writer, obj object) (*fileResult, error) {
	var out *client.GetObjectOutput
	var written int64
	var v *verifier
	var mw io.Writer
	pin := version{etag: in.Listed.ETag, size: in.Listed.Size}
	err := m.withSlot(ctx, func() (err error) {
		out, err = m.c.GetObject(ctx, client.GetObjectInput{Bucket: in.Bucket, Key: in.Key, VersionID: in.VersionID, CustomerKey: in.CustomerKey,
			Conditions: client.Conditions{IfMatch: pin.etag}})
		if errors.Is(err, client.ErrPreconditionFailed) {
			return &ChangedError{Object: obj.source, ETag: pin.etag, Err: err}
		}
		if err != nil {
			return err
		}
		defer out.Body.Close()
		if err := pin.check(obj.source, out.ETag); err != nil {
			return err
		}
		out.Size = pin.size // the listing's, not the Content-Length of an answer that may be broken
		v = newVerifier(m.smallPlan(out.ObjectInfo, in.CustomerKey))
		mw = io.MultiWriter(countingWriter{w: w, report: obj.bytes}, v)
		written, err = io.Copy(mw, bodyReader{io.LimitReader(out.Body, pin.size)})
		if err == nil && written == pin.size {
			err = nothingMore(out.Body, obj.source, pin.size)
		}
		return err
	})
	if err != nil && (out == nil || !isBodyError(err) || ctx.Err() != nil) {
		return nil, err
	}
	info := out.ObjectInfo
	if written < info.Size {
		if err := m.getRange(ctx, in, pin, written, info.Size-written, mw); err != nil {
			return nil, err
		}
		written = info.Size
	}
	return m.verified(v, info, written, obj, 0, 0)
}

// nothingMore checks that a body has ended once size bytes were read: a
// server that sends more (a wrong Content-Length, another version, an
// endless stream) must not fill the disk or the pipe.
func nothingMore(body io.Reader, object string, size int64) error {
	if more, _ := readsMore(body); more {
		return &IntegrityError{What: object, Want: fmt.Sprintf("%d bytes", size),
			Got: "more (the answer went on past the object's size; nothing past it was written)"}
	}
	return nil
}

// smallPlan verifies a single-request download: only a plain MD5 ETag can
// be checked without the part layout.
func (m *Manager) smallPlan(info client.ObjectInfo, customerKey []byte) digestPlan {
	if md5ComparableInfo(info.SSE, customerKey) && isMD5ETag(info.ETag) {
		return digestPlan{partSize: max(info.Size, 1), etag: info.ETag}
	}
	return digestPlan{}
}

// verified checks the size and digest of a completed download.
func (m *Manager) verified(v *verifier, info client.ObjectInfo, written int64, obj object, parts int, partSize int64) (*fileResult, error) {
	if written != info.Size {
		return nil, &IntegrityError{What: obj.source, Want: fmt.Sprintf("%d bytes", info.Size), Got: fmt.Sprintf("%d bytes", written)}
	}
	how, err := v.check(obj.source)
	if err != nil {
		return nil, err
	}
	return &fileResult{Result: &Result{Op: OpDownload, Source: obj.source, Dest: obj.dest, Size: written, ETag: info.ETag,
		VersionID: info.VersionID, Parts: parts, PartSize: partSize, Verified: how}, info: info}, nil
}

// getRanges downloads a large object in parallel ranges written in place,
// while a second goroutine reads completed ranges back in order to verify.
// A multipart object of moderate part size goes through getParts instead.
func (m *Manager) getRanges(ctx context.Context, in DownloadInput, info client.ObjectInfo, f *os.File, obj object) (*fileResult, error) {
	plan := m.planDigest(ctx, info, in.CustomerKey, in.VersionID)
	if plan.composite && plan.partSize <= maxHashedRange {
		return m.getParts(ctx, in, info, f, obj, plan)
	}
	rs := m.opts.PartSize
	count := partCount(info.Size, rs)
	done := make([]chan struct{}, count)
	for i := range done {
		done[i] = make(chan struct{})
	}
	if err := f.Truncate(info.Size); err != nil {
		return nil, err
	}
	g := newGroup(ctx, m.opts.PartConcurrency+1)
	v := newVerifier(plan)
	g.Go(func(ctx context.Context) error { return hashInOrder(ctx, f, info.Size, rs, done, v) })
	for i := range count {
		off := int64(i) * rs
		if !g.Go(func(ctx context.Context) error {
			w := countingWriter{w: io.NewOffsetWriter(f, off), report: obj.bytes}
			if err := m.getRange(ctx, in, versionOf(info), off, min(rs, info.Size-off), w); err != nil {
				return err
			}
			close(done[i])
			return nil
		}) {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return m.verified(v, info, info.Size, obj, count, rs)
}

// maxHashedRange is the largest part getParts fetches as one range; beyond
// it, ranges of the configured size keep enough requests in flight.
const maxHashedRange = 64 << 20

// getParts downloads a multipart object one part per range and hashes each
// part as its bytes pass, the parts in flight side by side on md5Lanes: the
// composite ETag check then needs no second read of the file.
func (m *Manager) getParts(ctx context.Context, in DownloadInput, info client.ObjectInfo, f *os.File, obj object, plan digestPlan) (*fileResult, error) {
	count := partCount(info.Size, plan.partSize)
	sums := make([][md5.Size]byte, count)
	if err := f.Truncate(info.Size); err != nil {
		return nil, err
	}
	hs := m.lanes.hashers(min(count, m.opts.PartConcurrency))
	defer hs.Close()
	g := newGroup(ctx, m.opts.PartConcurrency)
	for i := range count {
		off := int64(i) * plan.partSize
		if !g.Go(func(ctx context.Context) error {
			h := hs.New()
			defer h.Close()
			w := countingWriter{w: io.MultiWriter(io.NewOffsetWriter(f, off), h), report: obj.bytes}
			if err := m.getRange(ctx, in, versionOf(info), off, min(plan.partSize, info.Size-off), w); err != nil {
				return err
			}
			h.Sum(sums[i][:0])
			return nil
		}) {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return m.verified(&verifier{plan: plan, sums: sums}, info, info.Size, obj, count, plan.partSize)
}

// listedFrom makes the listing entry a pinned single GET needs.
func listedFrom(key string, size int64, etag string) *client.Object {
	return &client.Object{Key: key, Size: size, ETag: etag}
}
