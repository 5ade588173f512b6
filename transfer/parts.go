package transfer

import (
	"context"
	"io"
	"time"
)

// The multipart engine. Every multipart transfer, whatever the API it
// writes to, runs through runMultipart: an S3 multipart upload of a file
// or a stream (mpu and fileUpload), an S3 multipart copy (copyParts), a
// QuickSync upload (qsUpload). The engine decides the parts' order and
// parallelism, reports progress, and ends every upload with exactly one
// of complete or abort, the abort on a fresh context after any failure,
// cancellation included. The writers only speak their API, as rclone's
// backends implement fs.ChunkWriter and its multipart code drives them.

// partWriter is one multipart upload open on a service.
type partWriter interface {
	// writePart sends one part. It is called on several goroutines at
	// once, for different parts; p.body (nil for a part the service
	// copies itself) can be rewound to retry, and what is sent of it is
	// read through p.sendBody so that progress is reported.
	writePart(ctx context.Context, p *part) error
	// complete assembles parts 1..count, once every part was written.
	complete(ctx context.Context, count int) error
	// abort discards the upload after cause; ctx is fresh (the caller's
	// may be why the upload failed) and bounded. It returns the error to
	// report: cause, with what was left on the service if the abort
	// failed too.
	abort(ctx context.Context, cause error) error
}

// part is one part of a multipart transfer: its number (from 1), its
// place in the object, and its bytes.
type part struct {
	n         int
	off, size int64
	body      io.ReadSeeker
	report    func(int64)     // progress: bytes of the part sent
	release   func()          // gives a pooled buffer back, if the part has one
	sent      *progressReader // what every request of the part reads (sendBody)
}

// sendBody is the part's body, reporting each byte sent once, however
// many requests send it.
func (p *part) sendBody() io.ReadSeeker {
	if p.sent == nil {
		p.sent = &progressReader{r: p.body, report: p.report}
	}
	return p.sent
}

// done releases what the part holds once it was sent or dropped.
func (p *part) done() {
	if p.release != nil {
		p.release()
	}
}

// nextPart prepares part n on the goroutine that runs the transfer, in
// order (reading a stream, say); nil means there are no more parts.
type nextPart func(ctx context.Context, n int) (*part, error)

// fixedParts are the parts of an object of size bytes cut in parts of
// partSize: sections of r, read in place (a file), or without a body when
// r is nil (a copy, whose bytes the service reads itself).
func fixedParts(size, partSize int64, r io.ReaderAt) nextPart {
	count := partCount(size, partSize)
	return func(_ context.Context, n int) (*part, error) {
		if n > count {
			return nil, nil
		}
		off := int64(n-1) * partSize
		p := &part{n: n, off: off, size: min(partSize, size-off)}
		if r != nil {
			p.body = io.NewSectionReader(r, off, p.size)
		}
		return p, nil
	}
}

// multipart is how one multipart transfer runs.
type multipart struct {
	parallel     int         // parts in flight at once
	report       func(int64) // the object's Bytes events
	abortTimeout time.Duration
}

// run sends the parts next yields on at most parallel goroutines, then
// completes the upload; after any failure, or when ctx ends (a stream cut
// by Ctrl-C may look like a clean end), it aborts the upload instead and
// returns abort's error. count is the number of parts.
func (mp multipart) run(ctx context.Context, w partWriter, next nextPart) (count int, err error) {
	count, err = mp.send(ctx, w, next)
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = w.complete(ctx, count)
	}
	if err != nil {
		return count, mp.abort(ctx, w, err)
	}
	return count, nil
}

// send writes every part: next runs in order on this goroutine, so at
// most parallel+1 parts are prepared at a time; the first error cancels
// the parts in flight, stops new ones and is returned.
func (mp multipart) send(ctx context.Context, w partWriter, next nextPart) (int, error) {
	g := newGroup(ctx, max(mp.parallel, 1))
	count := 0
	for n := 1; ; n++ {
		p, err := next(g.ctx, n)
		if err != nil {
			g.fail(err)
			break
		}
		if p == nil {
			break
		}
		p.report = mp.report
		count = n
		if !g.Go(func(ctx context.Context) error { defer p.done(); return w.writePart(ctx, p) }) {
			p.done()
			break
		}
	}
	return count, g.Wait()
}

// abort aborts w after cause on a fresh context: the caller's may be
// cancelled, and an upload left open is billed.
func (mp multipart) abort(ctx context.Context, w partWriter, cause error) error {
	actx, cancel := freshContext(ctx, mp.abortTimeout)
	defer cancel()
	return w.abort(actx, cause)
}

// freshContext is a context for cleaning up after ctx failed: it keeps
// ctx's values but not its cancellation, and ends after timeout.
func freshContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}
