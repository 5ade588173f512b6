package transfer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/quilibrium/qcli/client/quicksync"
)

// DefaultQuickSyncConcurrency is how many parts of a QuickSync upload are
// in flight by default: a modest number, since the service rate-limits.
const DefaultQuickSyncConcurrency = 4

// QuickSyncInput is a file to upload to QuickSync with UploadQuickSync.
type QuickSyncInput struct {
	// Name is the file's name, encrypted with the client's session ID
	// before it is sent.
	Name string
	// Size is the exact number of bytes the reader yields, at least 1
	// (quicksync.ErrEmptyFile): every part of a QuickSync upload carries
	// data.
	Size int64
	// PartSize is the preferred part size; it grows when the file would
	// need more than quicksync.MaxParts parts. Default DefaultPartSize.
	PartSize int64
	// Concurrency is how many parts are in flight. Default
	// DefaultQuickSyncConcurrency.
	Concurrency int
	// Source names the data in events (a path); default Name.
	Source string
	// Progress receives Started, Bytes and Done or Failed events, as
	// Options.Progress does. Event.Dest is the file key once the upload
	// is initiated. Nil discards them.
	Progress func(Event)
}

// UploadQuickSync uploads in.Size bytes from r to QuickSync as a file
// called in.Name: it encrypts the name with c's session ID
// (quicksync.ErrNoSession without one), initiates a multipart upload,
// sends the parts in parallel, each retried as any call of c is, and
// completes them in part order. An io.ReaderAt (a regular file) is read
// in place; any other reader is read in order into at most Concurrency+1
// part buffers.
//
// When anything fails after the upload was initiated, cancellation
// included, the unfinished upload is deleted on a fresh context bounded
// by DefaultAbortTimeout; the *quicksync.UploadError says which part or
// step failed and whether the deletion worked. An initiation whose answer
// was lost deletes what it may have started itself (see
// quicksync.Client.Initiate).
func UploadQuickSync(ctx context.Context, c *quicksync.Client, r io.Reader, in QuickSyncInput) (*quicksync.UploadResult, error) {
	q, err := planQuickSync(c, r, in)
	if err != nil {
		return nil, err
	}
	obj := object{em: &emitter{fn: in.Progress}, op: OpUpload, source: cmp.Or(in.Source, in.Name), size: in.Size}
	obj.emit(Started, 0, nil, nil)
	res, err := q.run(ctx, &obj)
	if err != nil {
		obj.finish(nil, err)
		return nil, err
	}
	obj.finish(&Result{Op: OpUpload, Source: obj.source, Dest: res.FileKey, Size: res.Size, Parts: res.Parts, PartSize: res.PartSize}, nil)
	return res, nil
}

// qsUpload is a QuickSync upload, the QuickSync partWriter: it initiates,
// sends each part (retried by the client), completes with the parts' tags
// in part order, and deletes the unfinished upload when anything failed.
type qsUpload struct {
	c         *quicksync.Client
	name      string
	encrypted string
	r         io.Reader
	size      int64
	partSize  int64
	count     int
	parallel  int
	up        *quicksync.InitiateOutput
	tags      []string // by part; each written by its part's goroutine only
}

// planQuickSync settles everything before the first request.
func planQuickSync(c *quicksync.Client, r io.Reader, in QuickSyncInput) (*qsUpload, error) {
	session := c.Config().SessionID
	switch {
	case in.Size < 1:
		return nil, quicksync.ErrEmptyFile
	case session == "":
		return nil, quicksync.ErrNoSession
	}
	ps, err := PartSize(in.Size, cmp.Or(max(in.PartSize, 0), DefaultPartSize))
	if err != nil {
		return nil, err
	}
	enc, err := quicksync.EncryptName(in.Name, session)
	if err != nil {
		return nil, err
	}
	count := partCount(in.Size, ps)
	return &qsUpload{c: c, name: in.Name, encrypted: enc, r: r, size: in.Size, partSize: ps, count: count,
		parallel: cmp.Or(max(in.Concurrency, 0), DefaultQuickSyncConcurrency), tags: make([]string, count)}, nil
}

// run initiates the upload, then sends and completes it through the
// multipart engine; obj's Dest becomes the file key.
func (q *qsUpload) run(ctx context.Context, obj *object) (*quicksync.UploadResult, error) {
	up, err := q.c.Initiate(ctx, quicksync.InitiateInput{TotalParts: q.count, EncryptedName: q.encrypted, OriginalSizeInBytes: q.size})
	if err != nil {
		return nil, err
	}
	q.up, obj.dest = up, up.FileKey
	mp := multipart{parallel: q.parallel, report: obj.bytes, abortTimeout: DefaultAbortTimeout}
	if _, err := mp.run(ctx, q, q.parts()); err != nil {
		return nil, err
	}
	return &quicksync.UploadResult{UploadID: up.UploadID, FileKey: up.FileKey, Size: q.size, Parts: q.count, PartSize: q.partSize}, nil
}

// parts reads a file in place, or a stream into buffers of its own.
func (q *qsUpload) parts() nextPart {
	if at := readerAt(q.r); at != nil {
		return fixedParts(q.size, q.partSize, at)
	}
	bufs := newBufferPool(q.parallel + 1)
	return func(ctx context.Context, n int) (*part, error) {
		off := int64(n-1) * q.partSize
		if n > q.count {
			return nil, q.streamEnded()
		}
		length := min(q.partSize, q.size-off)
		buf, err := bufs.get(ctx, length)
		if err != nil {
			return nil, err
		}
		if k, err := io.ReadFull(q.r, buf); err != nil {
			bufs.put(buf)
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("the data ended after %d bytes, not the %d announced", off+int64(k), q.size)
			}
			return nil, fmt.Errorf("reading part %d: %w", n, err)
		}
		return &part{n: n, off: off, size: length, body: bytes.NewReader(buf), release: func() { bufs.put(buf) }}, nil
	}
}

// streamEnded fails when a stream holds more than the announced size.
func (q *qsUpload) streamEnded() error {
	if more, _ := readsMore(q.r); more {
		return fmt.Errorf("the data is longer than the %d bytes announced", q.size)
	}
	return nil
}

func (q *qsUpload) writePart(ctx context.Context, p *part) error {
	out, err := q.c.UploadPart(ctx, quicksync.UploadPartInput{UploadID: q.up.UploadID, Key: q.up.FileKey, PartNumber: p.n,
		Body: p.sendBody(), Size: p.size})
	if err == nil && out.PartNumber != 0 && out.PartNumber != p.n {
		err = fmt.Errorf("the service stored it as part %d", out.PartNumber)
	}
	if err != nil {
		return &qsStepError{step: fmt.Sprintf("part %d of %d", p.n, q.count), part: p.n, err: err}
	}
	q.tags[p.n-1] = out.Tag
	return nil
}

func (q *qsUpload) complete(ctx context.Context, _ int) error {
	if _, err := q.c.Complete(ctx, quicksync.CompleteInput{Tags: q.tags, Key: q.up.FileKey, UploadID: q.up.UploadID}); err != nil {
		return &qsStepError{step: "complete", err: err}
	}
	return nil
}

// abort deletes the unfinished upload and returns the
// *quicksync.UploadError to report.
func (q *qsUpload) abort(ctx context.Context, cause error) error {
	ue := &quicksync.UploadError{Name: q.name, FileKey: q.up.FileKey, UploadID: q.up.UploadID, Err: cause, Step: "sending the data"}
	var se *qsStepError
	if errors.As(cause, &se) {
		ue.Step, ue.Part, ue.Err = se.step, se.part, se.err
	}
	if err := q.c.Delete(ctx, q.up.FileKey); err != nil && !errors.Is(err, quicksync.ErrNotFound) {
		ue.CleanupErr = err
	}
	return ue
}

// qsStepError says which part or step of a QuickSync upload failed, for
// quicksync.UploadError.
type qsStepError struct {
	step string
	part int
	err  error
}

func (e *qsStepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *qsStepError) Unwrap() error { return e.err }

// readerAt returns r as an io.ReaderAt when ReadAt works on it: not for a
// pipe or terminal, which are *os.File too.
func readerAt(r io.Reader) io.ReaderAt {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			return nil
		}
	}
	ra, _ := r.(io.ReaderAt)
	return ra
}
