package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"io"

	"github.com/quilibrium/qcli/client"
)

// Upload uploads everything r yields (stdin, a pipe, any stream of unknown
// length). Parts are read into buffers lent by the Manager's pool, at most
// Options.Concurrency of them at a time, so memory stays bounded; each
// buffered part can be retried. A stream shorter than one part goes in a
// single PutObject. Parts grow as described for UploadInput.ExpectedSize
// so that a stream of up to 5 TiB fits in 10,000 parts; a longer one fails
// and its upload is aborted.
func (m *Manager) Upload(ctx context.Context, r io.Reader, in UploadInput) (*Result, error) {
	size := int64(-1)
	if in.ExpectedSize > 0 {
		size = in.ExpectedSize
	}
	obj := object{em: m.em, op: OpUpload, source: "-", dest: S3URL(in.Bucket, in.Key), size: size}
	obj.emit(Started, 0, nil, nil)
	res, err := m.upload(ctx, r, in, obj)
	obj.finish(res, err)
	return res, err
}

func (m *Manager) upload(ctx context.Context, r io.Reader, in UploadInput, obj object) (*Result, error) {
	sched, err := newStreamSchedule(m.opts.PartSize, in.ExpectedSize)
	if err != nil {
		return nil, err
	}
	first, n, eof, err := m.readPart(ctx, r, sched.size(1))
	if err != nil {
		return nil, err
	}
	if eof {
		defer m.bufs.put(first)
		return m.put(ctx, bytes.NewReader(first[:n]), int64(n), partSum{md5: md5.Sum(first[:n])}, in, obj)
	}
	// No part size is recorded: parts may grow, so the layout is not
	// promised uniform; a download finds part 1's size with a HEAD instead.
	u, err := m.createUpload(ctx, in, obj, 0)
	if err != nil {
		m.bufs.put(first)
		return nil, err
	}
	count, total, err := m.streamParts(ctx, r, u, sched, first[:n])
	if err == nil {
		err = ctx.Err() // a stream cut by Ctrl-C may look like a clean end
	}
	if err != nil {
		return nil, u.failed(ctx, err)
	}
	etag, verified, err := u.complete(ctx, count)
	if err != nil {
		return nil, u.failed(ctx, err)
	}
	return &Result{Op: OpUpload, Source: obj.source, Dest: obj.dest, Size: total, ETag: etag, Parts: count,
		PartSize: sched.base, Verified: verified}, nil
}

// readPart fills a pooled buffer of size bytes from r; eof reports that r
// ended within it. The caller returns the buffer to the pool.
func (m *Manager) readPart(ctx context.Context, r io.Reader, size int64) (buf []byte, n int, eof bool, err error) {
	buf, err = m.bufs.get(ctx, size)
	if err != nil {
		return nil, 0, false, err
	}
	n, err = io.ReadFull(r, buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return buf, n, true, nil
	}
	if err != nil {
		m.bufs.put(buf)
		return nil, 0, false, err
	}
	return buf, n, false, nil
}

// streamParts sends first and the rest of r as parts 1..count, reading the
// next part while earlier ones are in flight.
func (m *Manager) streamParts(ctx context.Context, r io.Reader, u *mpu, sched streamSchedule, first []byte) (count int, total int64, err error) {
	g := newGroup(ctx, m.opts.PartConcurrency)
	data, eof := first, false
	for n := 1; ; n++ {
		count, total = n, total+int64(len(data))
		if !m.goPart(g, u, int32(n), data) {
			break
		}
		if eof {
			break
		}
		if n == client.MaxPartNumber {
			err = endOfStream(r, total)
			break
		}
		var buf []byte
		var k int
		buf, k, eof, err = m.readPart(g.ctx, r, sched.size(n+1))
		if err != nil {
			break
		}
		if k == 0 && eof {
			m.bufs.put(buf)
			break
		}
		data = buf[:k]
	}
	if werr := g.Wait(); werr != nil {
		return count, total, werr
	}
	return count, total, err
}

// endOfStream checks that r has nothing after the 10,000th part.
func endOfStream(r io.Reader, total int64) error {
	var b [1]byte
	if n, err := io.ReadFull(r, b[:]); n == 0 && errors.Is(err, io.EOF) {
		return nil
	}
	return &TooLargeError{Size: total, Limit: "the stream needs more than 10,000 parts"}
}

// goPart sends one buffered part on the group and returns the buffer to
// the pool when done. It reports false when the group has failed.
func (m *Manager) goPart(g *group, u *mpu, n int32, data []byte) bool {
	ok := g.Go(func(ctx context.Context) error {
		defer m.bufs.put(data)
		return u.sendPart(ctx, n, bytes.NewReader(data), int64(len(data)), partSum{md5: md5.Sum(data)})
	})
	if !ok {
		m.bufs.put(data)
	}
	return ok
}
