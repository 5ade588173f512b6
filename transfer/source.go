package transfer

import (
	"fmt"
	"io"
	"os"

	md5simd "github.com/minio/md5-simd"
)

// SourceChangedError is a local file that changed while it was uploaded:
// what was sent may mix its old and new content, so the upload fails (a
// multipart upload is aborted before it completes) and a move keeps the
// file.
type SourceChangedError struct {
	Path   string
	Change string // what differed, e.g. "its size went from 10 to 4 bytes"
	// Stored is the object written before the change was seen ("" when
	// nothing was): it holds what was read, which is not the file's content.
	Stored string
}

// Error names the file and the change, and what was left on the service.
func (e *SourceChangedError) Error() string {
	msg := fmt.Sprintf("%s changed while uploading (%s)", e.Path, e.Change)
	if e.Stored != "" {
		return msg + "; " + e.Stored + " holds what was read before the change was seen; upload it again"
	}
	return msg + "; nothing was stored; upload it again"
}

// source is a file being uploaded and the version of it the upload started
// from. The file is checked against that version after its bytes were read
// and sent: a change in size, modification time, change time or identity
// (a file renamed over it) means the bytes sent may be of two versions.
type source struct {
	path  string
	start os.FileInfo
}

// changed returns a *SourceChangedError when the file at path is no longer
// the version the upload started from; stored names the object already
// written, if any.
func (s source) changed(stored string) error {
	now, err := os.Stat(s.path)
	var change string
	switch {
	case err != nil:
		change = "it can no longer be read: " + err.Error()
	case !os.SameFile(s.start, now):
		change = "another file was put in its place"
	case now.Size() < s.start.Size():
		change = fmt.Sprintf("it shrank from %d to %d bytes", s.start.Size(), now.Size())
	case now.Size() != s.start.Size():
		change = fmt.Sprintf("its size went from %d to %d bytes", s.start.Size(), now.Size())
	case !now.ModTime().Equal(s.start.ModTime()):
		change = "its modification time changed"
	case !changeTime(now).Equal(changeTime(s.start)):
		change = "it was written (its change time moved)"
	default:
		return nil
	}
	return &SourceChangedError{Path: s.path, Change: change, Stored: stored}
}

// shrank is the error of a read that found fewer bytes than the file had
// when the upload started.
func (s source) shrank(off, want, got int64) error {
	return &SourceChangedError{Path: s.path,
		Change: fmt.Sprintf("it shrank: %d bytes from offset %d were expected, %d could be read", want, off, got)}
}

// sum hashes length bytes of f from off with h (see sumWith); fewer
// bytes than that means the file shrank since the upload started.
func (s source) sum(f *os.File, h md5simd.Hasher, c *copyBuffers, o sumOpts, off, length int64) (partSum, error) {
	sum, n, err := sumWith(h, io.NewSectionReader(f, off, length), c, o)
	if err != nil {
		return sum, err
	}
	if n < length {
		return sum, s.shrank(off, length, n)
	}
	return sum, nil
}
