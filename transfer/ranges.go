package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/quilibrium/qcli/client"
)

// ChangedError is an object replaced while it was being read: a request
// pinned to the ETag seen first was refused, or a server that ignored the
// pin answered with another version.
type ChangedError struct {
	Object string
	ETag   string
	// Detail says what showed the change when it was not a refusal.
	Detail string
	Err    error
}

// Error says the object changed and that a retry will read the new one.
func (e *ChangedError) Error() string {
	why := "it no longer has ETag " + e.ETag
	if e.Detail != "" {
		why = e.Detail
	}
	return fmt.Sprintf("%s changed while it was being read (%s); nothing was kept; try again", e.Object, why)
}

// Unwrap gives the service's PreconditionFailed error, if any.
func (e *ChangedError) Unwrap() error { return e.Err }

// version pins what every answer of one download must come from: the
// object's ETag and size as first seen. If-Match is sent too, but a server
// may ignore it, so each answer is checked as well: one answer from a newer
// version would splice two versions into one file.
type version struct {
	etag string
	size int64
}

func versionOf(info client.ObjectInfo) version { return version{etag: info.ETag, size: info.Size} }

// check checks that an answer's ETag is the pinned one.
func (v version) check(object, etag string) error {
	if v.etag != "" && !sameETag(etag, v.etag) {
		return &ChangedError{Object: object, ETag: v.etag,
			Detail: fmt.Sprintf("an answer has ETag %s, not %q: the server ignored If-Match", printableETag(etag), trimETag(v.etag))}
	}
	return nil
}

// checkRange checks that a ranged answer is the range asked for, of an
// object of the pinned size: "bytes off-end/size".
func (v version) checkRange(object string, off, length int64, contentRange string) error {
	var first, last, total int64
	n, _ := fmt.Sscanf(contentRange, "bytes %d-%d/%d", &first, &last, &total)
	switch {
	case n == 3 && first == off && last == off+length-1 && total == v.size:
		return nil
	case n == 3 && first == off && last == off+length-1:
		return &ChangedError{Object: object, ETag: v.etag,
			Detail: fmt.Sprintf("it had %d bytes, an answer says %d: the server ignored If-Match", v.size, total)}
	}
	return fmt.Errorf("reading %s: asked for bytes %d-%d of %d, got Content-Range %q", object, off, off+length-1, v.size, contentRange)
}

// printableETag shows an ETag from the server, or says there was none.
func printableETag(etag string) string {
	if etag == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", trimETag(etag))
}

// DownloadInput names the object a download reads.
type DownloadInput struct {
	Bucket, Key string
	// CustomerKey is the SSE-C key the object was written with.
	CustomerKey []byte
	// Listed, when set, is the object as a listing reported it: a small
	// object is then read with one GET pinned to the listed ETag, no HEAD.
	Listed *client.Object
	// VersionID reads that version of the object rather than the latest;
	// every request of the download names it.
	VersionID string
	// Progress, when set, receives this call's events instead of
	// Options.Progress.
	Progress func(Event)
}

// getRange writes bytes [off, off+length) of the object to w, pinned to
// v. A body that breaks off is resumed from the last byte received;
// failed requests are retried by the client.
func (m *Manager) getRange(ctx context.Context, in DownloadInput, v version, off, length int64, w io.Writer) error {
	var err error
	for attempt := 0; attempt < DefaultRangeAttempts && length > 0; attempt++ {
		var n int64
		err = m.withSlot(ctx, func() error {
			var gerr error
			n, gerr = m.getOnce(ctx, in, v, off, length, w)
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
// written even when the body broke off. Nothing is written unless the
// answer is the range asked for, of the pinned version.
func (m *Manager) getOnce(ctx context.Context, in DownloadInput, v version, off, length int64, w io.Writer) (int64, error) {
	object := S3URL(in.Bucket, in.Key)
	out, err := m.c.GetObject(ctx, client.GetObjectInput{Bucket: in.Bucket, Key: in.Key, VersionID: in.VersionID, CustomerKey: in.CustomerKey,
		Range: fmt.Sprintf("bytes=%d-%d", off, off+length-1), Conditions: client.Conditions{IfMatch: v.etag}})
	if errors.Is(err, client.ErrPreconditionFailed) {
		return 0, &ChangedError{Object: object, ETag: v.etag, Err: err}
	}
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	if err := v.check(object, out.ETag); err != nil {
		return 0, err
	}
	if err := v.checkRange(object, off, length, out.ContentRange); err != nil {
		return 0, err
	}
	n, err := m.copies.copyFull(w, bodyReader{io.LimitReader(out.Body, length)})
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
