package transfer

import (
	"context"
	"io"
)

// RunParts drives a multipart transfer for other multipart APIs (such as
// client/quicksync) with the scheduler this package's uploads use: for
// n = 1..count it calls next(ctx, n) in order, on the calling goroutine,
// to prepare part n (read it from a stream, say), then send(ctx, n, part)
// on one of at most limit goroutines. The first error cancels the context
// the other calls see, stops new parts and is returned; so is ctx's error
// when ctx ends first. At most limit+1 parts are prepared at a time.
func RunParts[T any](ctx context.Context, count, limit int,
	next func(ctx context.Context, n int) (T, error), send func(ctx context.Context, n int, part T) error) error {
	g := newGroup(ctx, max(limit, 1))
	for n := 1; n <= count; n++ {
		part, err := next(g.ctx, n)
		if err != nil {
			g.fail(err)
			break
		}
		if !g.Go(func(ctx context.Context) error { return send(ctx, n, part) }) {
			break
		}
	}
	return g.Wait()
}

// NewProgressReader wraps a part body so that report hears of every byte
// read, each byte once: bytes read again after a rewind (a retry) are not
// counted again.
func NewProgressReader(r io.ReadSeeker, report func(n int64)) io.ReadSeeker {
	return &progressReader{r: r, report: report}
}
