package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// ChangedError is an object replaced while it was being read: a ranged GET
// pinned to the ETag seen first was refused.
type ChangedError struct {
	Object string
	ETag   string
	Err    error
}

// Error says the object changed and that a retry will read the new one.
func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s changed while it was being downloaded (it no longer has ETag %s); try again", e.Object, e.ETag)
}

// Unwrap gives the service's PreconditionFailed error.
func (e *ChangedError) Unwrap() error { return e.Err }

// DownloadInput names the object a download reads.
type DownloadInput struct {
	Bucket, Key string
	// CustomerKey is the SSE-C key the object was written with.
	CustomerKey []byte
	// Listed, when set, is the object as a listing reported it: a small
	// object is then read with one GET pinned to the listed ETag, no HEAD.
	Listed *client.Object
}

// getRange writes bytes [off, off+length) of the object to w, pinned to
// etag. A body that breaks off is resumed from the last byte received;
// failed requests are retried by the client.
func (m *Manager) getRange(ctx context.Context, in DownloadInput, etag string, off, length int64, w io.Writer) error {
	var err error
	for attempt := 0; attempt < DefaultRangeAttempts && length > 0; attempt++ {
		var n int64
		err = m.withSlot(ctx, func() error {
			var gerr error
			n, gerr = m.getOnce(ctx, in, etag, off, length, w)
			return gerr
		})
		off, length = off+n, length-n
		if err != nil && (ctx.Err() != nil || !isBodyError(err)) {
			return err
		}
	}
	if length > 0 {
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w (%w)", io.ErrUnexpectedEOF, err) // errors.Join would print two lines
		}
		return fmt.Errorf("reading %s: the answer broke off %d times: %w", S3URL(in.Bucket, in.Key), DefaultRangeAttempts, err)
	}
	return nil
}

// bodyError is a response body that broke off: worth resuming.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

func isBodyError(err error) bool {
	var be *bodyError
	return errors.As(err, &be)
}

// getOnce makes one ranged GET and copies what arrives; n counts the bytes
// written even when the body broke off.
func (m *Manager) getOnce(ctx context.Context, in DownloadInput, etag string, off, length int64, w io.Writer) (int64, error) {
	out, err := m.c.GetObject(ctx, client.GetObjectInput{Bucket: in.Bucket, Key: in.Key, CustomerKey: in.CustomerKey,
		Range: fmt.Sprintf("bytes=%d-%d", off, off+length-1), Conditions: client.Conditions{IfMatch: etag}})
	if errors.Is(err, client.ErrPreconditionFailed) {
		return 0, &ChangedError{Object: S3URL(in.Bucket, in.Key), ETag: etag, Err: err}
	}
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	if want := fmt.Sprintf("bytes %d-", off); off > 0 && !strings.HasPrefix(out.ContentRange, want) {
		return 0, fmt.Errorf("reading %s: asked for bytes from %d, got Content-Range %q", S3URL(in.Bucket, in.Key), off, out.ContentRange)
	}
	n, err := io.Copy(w, bodyReader{io.LimitReader(out.Body, length)})
	if err == nil && n < length {
		err = &bodyError{err: io.ErrUnexpectedEOF}
	}
	return n, err
}

// bodyReader marks read errors as bodyErrors, so that they are told apart
// from errors writing what was read (a full disk), which are not retried.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = &bodyError{err: err}
	}
	return n, err
}

// countingWriter reports the bytes written through it.
type countingWriter struct {
	w      io.Writer
	report func(int64)
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.report(int64(n))
	return n, err
}
