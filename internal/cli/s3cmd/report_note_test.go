package s3cmd

import (
	"io/fs"
	"syscall"
	"testing"

	"github.com/quilibrium/qcli/transfer"
)

// A skip warning keeps what the engine adds about it: an unreadable
// source root under sync --delete says nothing is deleted.
func TestSkipReasonKeepsTheNote(t *testing.T) {
	err := &transfer.SourceError{Path: "src", Err: &fs.PathError{Op: "open", Path: "src", Err: syscall.EACCES},
		Note: "the source cannot be read, so --delete deletes nothing"}
	if got, want := skipReason(err), "permission denied; the source cannot be read, so --delete deletes nothing"; got != want {
		t.Errorf("skipReason = %q, want %q", got, want)
	}
}
