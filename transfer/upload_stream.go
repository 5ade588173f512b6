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
	obj := object{em: m.emitterFor(in.Progress), op: OpUpload, source: "-", dest: S3URL(in.Bucket, in.Key), size: size}
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
	mp := m.multipart(obj)
	expected := mp.parallel
	if in.ExpectedSize > 0 {
		expected = partCount(in.ExpectedSize, sched.base)
	}
	u.hs = m.lanes.hashers(min(expected, mp.parallel))
	defer u.hs.Close()
	s := &stream{m: m, r: r, sched: sched, first: first[:n]}
	count, err := mp.run(ctx, u, s.next)
	if err != nil {
		return nil, err
	}
	return u.result(s.total, count, sched.base), nil
}

// stream yields the parts of a stream, each read into a buffer lent by
// the Manager's pool, while earlier parts are in flight.
type stream struct {
	m     *Manager
	r     io.Reader
	sched streamSchedule
	first []byte // part 1, read to decide between one PUT and parts
	eof   bool
	total int64 // bytes read
}

func (s *stream) next(ctx context.Context, n int) (*part, error) {
	var data []byte
	switch {
	case n == 1:
		data = s.first
	case s.eof:
		return nil, nil
	case n > client.MaxPartNumber:
		return nil, endOfStream(s.r, s.total)
	default:
		buf, k, eof, err := s.m.readPart(ctx, s.r, s.sched.size(n))
		if err != nil {
			return nil, err
		}
		s.eof = eof
		if k == 0 {
			s.m.bufs.put(buf)
			return nil, nil
		}
		data = buf[:k]
	}
	off := s.total
	s.total += int64(len(data))
	return &part{n: n, off: off, size: int64(len(data)), body: bytes.NewReader(data),
		release: func() { s.m.bufs.put(data) }}, nil
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

// endOfStream checks that r has nothing after the 10,000th part: nil
// when it ended there.
func endOfStream(r io.Reader, total int64) error {
	if more, err := readsMore(r); !more && errors.Is(err, io.EOF) {
		return nil
	}
	return &TooLargeError{Size: total, Limit: "the stream needs more than 10,000 parts"}
}

// readsMore reads one byte of r to tell whether a body or stream that
// should have ended goes on; err is the read's.
func readsMore(r io.Reader) (bool, error) {
	var b [1]byte
	n, err := io.ReadFull(r, b[:])
	return n > 0, err
}
