package quicksync

import (
	"errors"
	"fmt"
)

// The results and errors of a whole upload. The multipart flow that
// produces them (initiate, parts in parallel, complete, delete on
// failure) is driven by the transfer package's engine
// (transfer.UploadQuickSync); this package only speaks the API's calls.

// ErrNoSession: an upload needs the session ID (Config.SessionID) to
// encrypt the file name.
var ErrNoSession = errors.New("no QuickSync session ID to encrypt the file name with")

// UploadResult is a completed upload.
type UploadResult struct {
	UploadID string `json:"uploadId"`
	FileKey  string `json:"fileKey"`
	Size     int64  `json:"size"`
	Parts    int    `json:"parts"`
	PartSize int64  `json:"partSize"`
}

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

// LostUploadError is a failed Initiate (Err) whose answer was lost, after
// which the upload it may have started could not be deleted again
// (CleanupErr): listing the files failed, or deleting the unfinished
// upload listed under the name it sent did. FileKey is that upload, or ""
// when the listing failed.
type LostUploadError struct {
	Err        error
	FileKey    string
	CleanupErr error
}

func (e *LostUploadError) Error() string {
	if e.FileKey == "" {
		return fmt.Sprintf("%v; an upload may be left open: %v", e.Err, e.CleanupErr)
	}
	return fmt.Sprintf("%v; an upload may be left open: %s (%v)", e.Err, e.FileKey, e.CleanupErr)
}

// Unwrap gives the Initiate's failure, which the error is about.
func (e *LostUploadError) Unwrap() error { return e.Err }
