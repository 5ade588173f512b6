package transfer

import (
	"context"
	"errors"
	"io"
)

// Download writes an object to w (stdout, a pipe) in order. A large object
// is fetched in parallel ranges into buffers lent by the Manager's pool and
// written as each next range arrives, so memory stays within
// Options.Concurrency part sizes. The bytes are verified as they are
// written; since they cannot be taken back, a mismatch is reported as an
// error after the fact and the caller must discard the output.
func (m *Manager) Download(ctx context.Context, in DownloadInput, w io.Writer) (*Result, error) {
	obj := object{em: m.emitterFor(in.Progress), op: OpDownload, source: S3URL(in.Bucket, in.Key), dest: "-", size: -1}
	res, err := m.download(ctx, in, w, &obj)
	obj.finish(res, err)
	return res, err
}

// download writes the object to w; obj is Started once a HEAD found its
// size.
func (m *Manager) download(ctx context.Context, in DownloadInput, w io.Writer, o *object) (*Result, error) {
	info, err := m.head(ctx, in)
	if err != nil {
		return nil, err
	}
	o.start(info.Size)
	obj := *o
	if info.Size < m.opts.Threshold {
		res, err := m.getWhole(ctx, DownloadInput{Bucket: in.Bucket, Key: in.Key, CustomerKey: in.CustomerKey,
			Listed: listedFrom(info.Key, info.Size, info.ETag), VersionID: in.VersionID}, w, obj)
		if err != nil {
			return nil, err
		}
		return res.Result, nil
	}
	plan := m.planDigest(ctx, info, in.CustomerKey, in.VersionID)
	v := newVerifier(plan)
	rs := m.opts.PartSize
	count := partCount(info.Size, rs)
	ranges := make([]chan []byte, count)
	for i := range ranges {
		ranges[i] = make(chan []byte, 1)
	}
	g := newGroup(ctx, m.opts.PartConcurrency+1)
	g.Go(func(ctx context.Context) error { return m.fetchRanges(ctx, g, in, versionOf(info), rs, ranges) })
	written, werr := m.writeInOrder(g.ctx, w, v, ranges, obj)
	if werr != nil {
		g.fail(werr)
	}
	err = g.Wait()
	m.drain(ranges)
	if err != nil {
		return nil, err
	}
	res, err := m.verified(v, info, written, obj, count, rs)
	if err != nil {
		return nil, err
	}
	return res.Result, nil
}

// fetchRanges starts one download per range, in order, each into a pooled
// buffer taken before it starts: taking buffers in range order means the
// range the writer waits for always has one, so the pool cannot deadlock.
func (m *Manager) fetchRanges(ctx context.Context, g *group, in DownloadInput, v version, rs int64, ranges []chan []byte) error {
	for i := range ranges {
		off := int64(i) * rs
		length := min(rs, v.size-off)
		buf, err := m.bufs.get(ctx, length)
		if err != nil {
			return err
		}
		if !g.Go(func(ctx context.Context) error {
			b := &fixedBuffer{b: buf}
			if err := m.getRange(ctx, in, v, off, length, b); err != nil {
				m.bufs.put(buf)
				return err
			}
			ranges[i] <- b.b[:b.n]
			return nil
		}) {
			m.bufs.put(buf)
			return nil
		}
	}
	return nil
}

// writeInOrder writes each range as soon as it and all before it arrived.
func (m *Manager) writeInOrder(ctx context.Context, w io.Writer, v *verifier, ranges []chan []byte, obj object) (int64, error) {
	var written int64
	for _, ch := range ranges {
		var data []byte
		select {
		case data = <-ch:
		case <-ctx.Done():
			return written, context.Cause(ctx)
		}
		v.Write(data)
		n, err := w.Write(data)
		m.bufs.put(data)
		written += int64(n)
		obj.bytes(int64(n))
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// drain returns the buffers of ranges fetched but never written (after a
// failure) to the pool.
func (m *Manager) drain(ranges []chan []byte) {
	for _, ch := range ranges {
		select {
		case data := <-ch:
			m.bufs.put(data)
		default:
		}
	}
}

// fixedBuffer fills a lent buffer and never grows it, unlike bytes.Buffer,
// whose ReadFrom reallocates when less than 512 bytes are free.
type fixedBuffer struct {
	b []byte
	n int
}

var errBufferFull = errors.New("transfer: range longer than its buffer")

func (f *fixedBuffer) Write(p []byte) (int, error) {
	if len(p) > len(f.b)-f.n {
		return 0, errBufferFull
	}
	f.n += copy(f.b[f.n:], p)
	return len(p), nil
}
