package transfer

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recordingWriter is a partWriter that keeps what the engine asked of it.
type recordingWriter struct {
	mu          sync.Mutex
	sent        map[int]string
	inFlight    atomic.Int32
	peak        atomic.Int32
	fail        map[int]error // part -> error
	completed   []int         // counts complete was called with
	aborted     []error       // causes abort was called with
	abortCtxErr error         // ctx.Err() of abort's context, as it was called
	completeErr error
}

func (w *recordingWriter) writePart(_ context.Context, p *part) error {
	cur := w.inFlight.Add(1)
	defer w.inFlight.Add(-1)
	for {
		old := w.peak.Load()
		if cur <= old || w.peak.CompareAndSwap(old, cur) {
			break
		}
	}
	if err := w.fail[p.n]; err != nil {
		return err
	}
	b, err := io.ReadAll(p.sendBody())
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.sent[p.n] = string(b)
	w.mu.Unlock()
	return nil
}

func (w *recordingWriter) complete(_ context.Context, count int) error {
	w.completed = append(w.completed, count)
	return w.completeErr
}

func (w *recordingWriter) abort(ctx context.Context, cause error) error {
	w.aborted = append(w.aborted, cause)
	w.abortCtxErr = ctx.Err()
	return cause
}

func newRecordingWriter() *recordingWriter {
	return &recordingWriter{sent: map[int]string{}, fail: map[int]error{}}
}

func TestMultipartPreparesInOrderSendsInParallelAndCompletesOnce(t *testing.T) {
	data := strings.Repeat("0123456789", 20)
	var prepared []int
	sections := fixedParts(int64(len(data)), 10, strings.NewReader(data))
	next := func(ctx context.Context, n int) (*part, error) {
		prepared = append(prepared, n) // the calling goroutine only: no lock
		return sections(ctx, n)
	}
	var reported atomic.Int64
	w := newRecordingWriter()
	mp := multipart{parallel: 3, report: func(n int64) { reported.Add(n) }, abortTimeout: time.Minute}
	count, err := mp.run(context.Background(), w, next)
	if err != nil || count != 20 {
		t.Fatalf("run: %d parts, %v", count, err)
	}
	for i, n := range prepared {
		if n != i+1 {
			t.Fatalf("prepared out of order: %v", prepared)
		}
	}
	if len(prepared) != 21 { // the 21st says there is no more
		t.Errorf("prepared %v", prepared)
	}
	if len(w.sent) != 20 || w.sent[7] != "0123456789" || w.peak.Load() > 3 {
		t.Errorf("sent %d parts, peak %d in flight", len(w.sent), w.peak.Load())
	}
	if len(w.completed) != 1 || w.completed[0] != 20 || len(w.aborted) != 0 || reported.Load() != int64(len(data)) {
		t.Errorf("completed %v, aborted %v, %d bytes reported", w.completed, w.aborted, reported.Load())
	}
}

func TestMultipartAbortsOnAFreshContextAfterAnyFailure(t *testing.T) {
	boom := errors.New("boom")
	parts := fixedParts(100, 10, strings.NewReader(strings.Repeat("x", 100)))
	mp := multipart{parallel: 1, report: func(int64) {}, abortTimeout: time.Minute}

	w := newRecordingWriter()
	w.fail[2] = boom
	if _, err := mp.run(context.Background(), w, parts); !errors.Is(err, boom) || len(w.sent) > 2 {
		t.Errorf("a failing part: %v after %d parts", err, len(w.sent))
	}
	if len(w.completed) != 0 || len(w.aborted) != 1 || !errors.Is(w.aborted[0], boom) {
		t.Errorf("completed %v, aborted %v", w.completed, w.aborted)
	}

	w = newRecordingWriter()
	failing := func(ctx context.Context, n int) (*part, error) {
		if n == 3 {
			return nil, boom
		}
		return parts(ctx, n)
	}
	if _, err := mp.run(context.Background(), w, failing); !errors.Is(err, boom) || len(w.aborted) != 1 {
		t.Errorf("a part that cannot be prepared: %v, aborted %v", err, w.aborted)
	}

	w = newRecordingWriter()
	w.completeErr = boom
	if _, err := mp.run(context.Background(), w, parts); !errors.Is(err, boom) || len(w.aborted) != 1 {
		t.Errorf("a refused completion: %v, aborted %v", err, w.aborted)
	}

	// Cancelled: the abort still runs, on a context that is not.
	w = newRecordingWriter()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mp.run(ctx, w, parts); !errors.Is(err, context.Canceled) || len(w.completed) != 0 || len(w.aborted) != 1 || w.abortCtxErr != nil {
		t.Errorf("cancelled: %v, completed %v, aborted %v on a context with %v", err, w.completed, w.aborted, w.abortCtxErr)
	}
}

func TestMultipartReleasesEveryPreparedPart(t *testing.T) {
	var out atomic.Int32
	next := func(_ context.Context, n int) (*part, error) {
		if n > 50 {
			return nil, nil
		}
		out.Add(1)
		return &part{n: n, size: 1, body: strings.NewReader("x"), release: func() { out.Add(-1) }}, nil
	}
	w := newRecordingWriter()
	w.fail[5] = errors.New("boom")
	_, _ = multipart{parallel: 4, report: func(int64) {}, abortTimeout: time.Minute}.run(context.Background(), w, next)
	if out.Load() != 0 {
		t.Errorf("%d parts never released", out.Load())
	}
}

func TestProgressReaderCountsRereadBytesOnce(t *testing.T) {
	var total int64
	r := &progressReader{r: strings.NewReader("0123456789"), report: func(n int64) { total += n }}
	_, _ = io.ReadAll(r)
	_, _ = r.Seek(0, io.SeekStart)
	_, _ = io.ReadAll(r)
	if total != 10 {
		t.Errorf("reported %d bytes, want 10", total)
	}
}
