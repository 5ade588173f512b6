package quicksync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/quilibrium/qcli/transfer"
)

// Upload defaults. QuickSync publishes no part limits; these are the
// transfer package's part size and a modest parallelism, since the service
// rate-limits.
const (
	DefaultPartSize    = transfer.DefaultPartSize
	DefaultConcurrency = 4
	// cleanupTimeout bounds deleting a failed upload, which runs on a fresh
	// context because the caller's may be why the upload failed.
	cleanupTimeout = 30 * time.Second
)

// ErrNoSession: Upload needs the session ID (Config.SessionID) to encrypt
// the file name.
var ErrNoSession = errors.New("no QuickSync session ID to encrypt the file name with")

// UploadOptions tune Upload. Zero values take the defaults.
type UploadOptions struct {
	// PartSize is the preferred part size; it grows when the file would
	// need more than MaxParts parts. Default DefaultPartSize.
	PartSize int64
	// Concurrency is how many parts are in flight. Default DefaultConcurrency.
	Concurrency int
	// Progress receives Started, Bytes and Done or Failed events; calls
	// are serialised. Event.Dest is the file key. Nil discards them.
	Progress func(transfer.Event)
	// Source names the data in events (a path); default the name.
	Source string
}

// UploadResult is a completed upload.
type UploadResult struct {
	UploadID string `json:"uploadId"`
	FileKey  string `json:"fileKey"`
	Size     int64  `json:"size"`
	Parts    int    `json:"parts"`
	PartSize int64  `json:"partSize"`
}

// Upload stores size bytes from r as a file called name: it encrypts the
// name with the client's session ID, initiates a multipart upload, sends
// the parts in parallel (each retried as any call is) and completes them in
// part order. An io.ReaderAt (a regular file) is read in place; any other
// reader is read in order into at most Concurrency+1 part buffers. size
// must be exact and at least 1 (ErrEmptyFile).
//
// When anything fails after the upload was initiated, cancellation
// included, the unfinished upload is deleted; the *UploadError says which
// part or step failed and whether the deletion worked.
func (c *Client) Upload(ctx context.Context, name string, r io.Reader, size int64, opts UploadOptions) (*UploadResult, error) {
	plan, err := c.planUpload(name, r, size, opts)
	if err != nil {
		return nil, err
	}
	plan.events.emit(transfer.Started, 0, nil, nil)
	up, err := c.Initiate(ctx, InitiateInput{TotalParts: plan.count, EncryptedName: plan.encrypted, OriginalSizeInBytes: size})
	if err != nil {
		plan.events.emit(transfer.Failed, 0, err, nil)
		return nil, err
	}
	plan.events.setDest(up.FileKey)
	res, err := c.sendUpload(ctx, up, plan)
	if err != nil {
		err = c.uploadFailed(ctx, up, plan, err)
		plan.events.emit(transfer.Failed, 0, err, nil)
		return nil, err
	}
	plan.events.emit(transfer.Done, 0, nil, &transfer.Result{Op: transfer.OpUpload, Source: plan.events.source,
		Dest: up.FileKey, Size: size, Parts: plan.count, PartSize: plan.partSize})
	return res, nil
}

// uploadPlan is what Upload settles before its first request.
type uploadPlan struct {
	name      string
	encrypted string
	r         io.Reader
	at        io.ReaderAt // r, when it can be read in place
	size      int64
	partSize  int64
	count     int
	parallel  int
	events    *events
}

func (c *Client) planUpload(name string, r io.Reader, size int64, opts UploadOptions) (*uploadPlan, error) {
	switch {
	case size < 1:
		return nil, ErrEmptyFile
	case c.cfg.SessionID == "":
		return nil, ErrNoSession
	case !c.hasToken():
		return nil, fmt.Errorf("%s: %w", opInitiate, ErrNoToken)
	}
	preferred := opts.PartSize
	if preferred <= 0 {
		preferred = DefaultPartSize
	}
	ps, err := transfer.PartSize(size, preferred)
	if err != nil {
		return nil, err
	}
	enc, err := EncryptName(name, c.cfg.SessionID)
	if err != nil {
		return nil, err
	}
	p := &uploadPlan{name: name, encrypted: enc, r: r, at: readerAt(r), size: size, partSize: ps,
		count: int((size + ps - 1) / ps), parallel: opts.Concurrency}
	if p.parallel <= 0 {
		p.parallel = DefaultConcurrency
	}
	src := opts.Source
	if src == "" {
		src = name
	}
	p.events = &events{fn: opts.Progress, source: src, size: size}
	return p, nil
}

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

// sendUpload sends the parts with transfer's part scheduler and completes.
func (c *Client) sendUpload(ctx context.Context, up *InitiateOutput, p *uploadPlan) (*UploadResult, error) {
	tags := make([]string, p.count)
	err := transfer.RunParts(ctx, p.count, p.parallel, p.nextPart,
		func(ctx context.Context, n int, body io.ReadSeeker) error {
			tag, err := c.sendPart(ctx, up, p, n, body)
			tags[n-1] = tag
			return err
		})
	if err == nil && p.at == nil {
		err = p.checkStreamEnd()
	}
	if err != nil {
		return nil, err
	}
	if _, err := c.Complete(ctx, CompleteInput{Tags: tags, Key: up.FileKey, UploadID: up.UploadID}); err != nil {
		return nil, &stepError{step: "complete", err: err}
	}
	return &UploadResult{UploadID: up.UploadID, FileKey: up.FileKey, Size: p.size, Parts: p.count, PartSize: p.partSize}, nil
}

// nextPart gives part n's body: a section of a file, or the next bytes of
// a stream in a buffer of their own (so a retry can re-send them).
func (p *uploadPlan) nextPart(_ context.Context, n int) (io.ReadSeeker, error) {
	off := int64(n-1) * p.partSize
	length := min(p.partSize, p.size-off)
	if p.at != nil {
		return io.NewSectionReader(p.at, off, length), nil
	}
	buf := make([]byte, length)
	if k, err := io.ReadFull(p.r, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("the data ended after %d bytes, not the %d announced", off+int64(k), p.size)
		}
		return nil, fmt.Errorf("reading part %d: %w", n, err)
	}
	return bytes.NewReader(buf), nil
}

// checkStreamEnd fails when a stream holds more than the announced size.
func (p *uploadPlan) checkStreamEnd() error {
	var b [1]byte
	if n, _ := io.ReadFull(p.r, b[:]); n > 0 {
		return fmt.Errorf("the data is longer than the %d bytes announced", p.size)
	}
	return nil
}

func (c *Client) sendPart(ctx context.Context, up *InitiateOutput, p *uploadPlan, n int, body io.ReadSeeker) (string, error) {
	out, err := c.UploadPart(ctx, UploadPartInput{UploadID: up.UploadID, Key: up.FileKey, PartNumber: n,
		Body: transfer.NewProgressReader(body, p.events.bytes), Size: partLen(p, n)})
	if err == nil && out.PartNumber != 0 && out.PartNumber != n {
		err = fmt.Errorf("the service stored it as part %d", out.PartNumber)
	}
	if err != nil {
		return "", &stepError{step: fmt.Sprintf("part %d of %d", n, p.count), part: n, err: err}
	}
	return out.Tag, nil
}

func partLen(p *uploadPlan, n int) int64 {
	return min(p.partSize, p.size-int64(n-1)*p.partSize)
}

// uploadFailed deletes the unfinished upload on a fresh context and
// returns the *UploadError to report.
func (c *Client) uploadFailed(ctx context.Context, up *InitiateOutput, p *uploadPlan, err error) error {
	ue := &UploadError{Name: p.name, FileKey: up.FileKey, UploadID: up.UploadID, Err: err, Step: "sending the data"}
	var se *stepError
	if errors.As(err, &se) {
		ue.Step, ue.Part, ue.Err = se.step, se.part, se.err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if derr := c.Delete(cctx, up.FileKey); derr != nil && !errors.Is(derr, ErrNotFound) {
		ue.CleanupErr = derr
	}
	return ue
}
