package quicksync

import (
	"fmt"
	"sync"

	"github.com/quilibrium/qcli/transfer"
)

// stepError says which part or step of an upload failed.
type stepError struct {
	step string
	part int
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// UploadError is an upload that failed after it was initiated.
type UploadError struct {
	Name     string
	FileKey  string
	UploadID string
	// Step is what failed: "part N of M", "complete", or "sending the
	// data" (reading it, cancellation).
	Step string
	// Part is the part that failed, or 0.
	Part int
	Err  error
	// CleanupErr is why the unfinished upload could not be deleted; nil
	// when it was.
	CleanupErr error
}

func (e *UploadError) Error() string {
	msg := fmt.Sprintf("upload of %q failed at %s: %v", e.Name, e.Step, e.Err)
	if e.CleanupErr != nil {
		return msg + fmt.Sprintf("; the unfinished upload %s could not be deleted (%v)", e.FileKey, e.CleanupErr)
	}
	return msg + fmt.Sprintf("; the unfinished upload %s was deleted", e.FileKey)
}

// Unwrap gives the failure itself.
func (e *UploadError) Unwrap() error { return e.Err }

// events sends an upload's progress events, one call at a time.
type events struct {
	mu     sync.Mutex
	fn     func(transfer.Event)
	source string
	dest   string
	size   int64
}

func (e *events) emit(t transfer.EventType, n int64, err error, res *transfer.Result) {
	if e.fn == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fn(transfer.Event{Type: t, Op: transfer.OpUpload, Source: e.source, Dest: e.dest, Size: e.size, Bytes: n, Err: err, Result: res})
}

func (e *events) setDest(d string) {
	e.mu.Lock()
	e.dest = d
	e.mu.Unlock()
}

func (e *events) bytes(n int64) {
	if n > 0 {
		e.emit(transfer.Bytes, n, nil, nil)
	}
}
