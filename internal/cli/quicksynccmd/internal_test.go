package quicksynccmd

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/quilibrium/qcli/client/quicksync"
)

// Stored names come from the service: only their last element is used,
// and names that could leave the directory are replaced by the file key.
func TestTargetPathNeverLeavesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ o, name, want string }{
		{"", "cat.jpg", "cat.jpg"},
		{"", "../../etc/passwd", "passwd"},
		{"", "a\\..\\b.txt", "b.txt"},
		{"", "..", "KEY"},
		{"", "dir/", "KEY"},
		{"", "nul\x00byte", "KEY"},
		{"", "", "KEY"},
		{dir, "cat.jpg", filepath.Join(dir, "cat.jpg")},
		{"new-dir/", "cat.jpg", filepath.Join("new-dir", "cat.jpg")},
		{filepath.Join(dir, "x.bin"), "cat.jpg", filepath.Join(dir, "x.bin")},
	} {
		if got := targetPath(tc.o, tc.name, "KEY"); got != tc.want {
			t.Errorf("targetPath(%q, %q) = %q, want %q", tc.o, tc.name, got, tc.want)
		}
	}
}

// The SDK says what is wrong; the CLI adds the qcli command or flag that
// fixes it, so the user reads what qcli always said.
func TestAdviceNamesTheQcliFix(t *testing.T) {
	unauthorized := &quicksync.Error{Op: "List", StatusCode: http.StatusUnauthorized, Message: "unauthorized"}
	tooLarge := &quicksync.Error{Op: "UploadPart", FileID: "K", StatusCode: http.StatusRequestEntityTooLarge, Message: "too big"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{unauthorized, "List: unauthorized (HTTP 401); the token was rejected or has expired: run `qcli quicksync login` to get a new token"},
		{&quicksync.Error{Op: "JoinSession", StatusCode: http.StatusUnauthorized, Message: "bad password"},
			"JoinSession: bad password (HTTP 401); check the session ID and password"},
		{tooLarge, "UploadPart K: too big (HTTP 413); the file or part is over the service's limits; try a smaller --part-size"},
		{fmt.Errorf("List: %w", quicksync.ErrNoToken), "List: no QuickSync token: join a session first (qcli quicksync login)"},
		{quicksync.ErrNoSession, "no QuickSync session ID to encrypt the file name with (qcli quicksync login stores it; or set QCLI_QUICKSYNC_SESSION)"},
		{&quicksync.UploadError{Name: "f", FileKey: "K", Step: "part 1 of 1", Err: errors.New("boom"), CleanupErr: errors.New("gone")},
			"upload of \"f\" failed at part 1 of 1: boom; the unfinished upload K could not be deleted (gone): delete it with `qcli quicksync rm K`"},
		{&quicksync.UploadError{Name: "f", FileKey: "K", Step: "part 1 of 1", Err: unauthorized},
			"upload of \"f\" failed at part 1 of 1: List: unauthorized (HTTP 401); the token was rejected or has expired; " +
				"the unfinished upload K was deleted; run `qcli quicksync login` to get a new token"},
	} {
		if got := advise(tc.err); got.Error() != tc.want || !errors.Is(got, tc.err) {
			t.Errorf("advise(%v)\n = %v\nwant %s", tc.err, got, tc.want)
		}
	}
}
