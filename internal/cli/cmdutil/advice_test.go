package cmdutil

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/configure"
)

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
		{&quicksync.LostUploadError{Err: errors.New("Initiate: reset"), FileKey: "K", CleanupErr: errors.New("gone")},
			"Initiate: reset; an upload may be left open: K (gone): delete it with `qcli quicksync rm K`"},
		{&quicksync.LostUploadError{Err: errors.New("Initiate: reset"), CleanupErr: errors.New("List: down")},
			"Initiate: reset; an upload may be left open: List: down; find it with `qcli quicksync ls` (COMPLETED false) and delete it with `qcli quicksync rm FILE_KEY`"},
		{&quicksync.UploadError{Name: "f", FileKey: "K", Step: "part 1 of 1", Err: unauthorized},
			"upload of \"f\" failed at part 1 of 1: List: unauthorized (HTTP 401); the token was rejected or has expired; " +
				"the unfinished upload K was deleted; run `qcli quicksync login` to get a new token"},
	} {
		if got := Advise(tc.err); got.Error() != tc.want || !errors.Is(got, tc.err) {
			t.Errorf("Advise(%v)\n = %v\nwant %s", tc.err, got, tc.want)
		}
	}
}

// The QStorage and console clients' errors get the same treatment: the SDK
// names what to check, the CLI which qcli command shows or sets it.
func TestAdviceForS3AndConsoleErrors(t *testing.T) {
	sig := &client.Error{Op: "ListObjectsV2", Bucket: "b", StatusCode: http.StatusForbidden, Code: client.ErrSignatureDoesNotMatch, RequestID: "R"}
	key := &client.Error{Op: "ListBuckets", StatusCode: http.StatusForbidden, Code: client.ErrInvalidAccessKeyID}
	for _, tc := range []struct {
		err      error
		sdk, cli string
	}{
		{fmt.Errorf("ls: %w", sig),
			"ls: ListObjectsV2 s3://b: SignatureDoesNotMatch (HTTP 403, request id R); check the secret access key",
			"ls: ListObjectsV2 s3://b: SignatureDoesNotMatch (HTTP 403, request id R); check the secret access key (qcli configure list shows where it comes from)"},
		{&S3Error{Err: key},
			"ListBuckets: InvalidAccessKeyId (HTTP 403); check the access key id",
			"ListBuckets: InvalidAccessKeyId (HTTP 403); check the access key id (qcli configure list shows where it comes from)"},
		{&ConfigError{Err: client.ErrNoCredentials},
			"invalid credentials: no access key id and secret access key; set Config.Credentials or Config.CredentialsProvider",
			"invalid credentials: no access key id and secret access key; run `qcli configure`, or set QCLI_ACCESS_KEY_ID and QCLI_SECRET_ACCESS_KEY"},
		{&console.Error{Op: console.OpStats, StatusCode: http.StatusUnauthorized, Message: "bad key"},
			"Stats: bad key (HTTP 401)",
			"Stats: bad key (HTTP 401); the console refused the API key: run `qcli configure set console_api_key KEY`, or set QCLI_CONSOLE_API_KEY"},
		{&console.Error{Op: console.OpStats, StatusCode: http.StatusNotFound, Message: "gone"}, "Stats: gone (HTTP 404)", "Stats: gone (HTTP 404)"},
		{&configure.Error{Kind: configure.ErrNoCredentials, Profile: "p", FileFix: true, Problem: `no credentials for profile "p"`, Fix: "set them"},
			`no credentials for profile "p"; set them`,
			"no credentials for profile \"p\"; set them, or run `qcli configure --profile p`"},
		{&configure.Error{Kind: configure.ErrProfileNotFound, Profile: "default", FileFix: true, Problem: "not found", Fix: "add [default]"},
			"not found; add [default]", "not found; add [default], or run `qcli configure`"},
		{&configure.Error{Kind: configure.ErrIncompleteCredentials, Profile: "p", Problem: "X is set but Y is not", Fix: "set both"},
			"X is set but Y is not; set both", "X is set but Y is not; set both"},
		{&client.ConfigError{Setting: configure.KeyQuickSyncExpiry, Problem: "bad", Fix: "join the session again"},
			"invalid quicksync_token_expiry: bad; join the session again",
			"invalid quicksync_token_expiry: bad; join the session again (qcli quicksync login)"},
		{errors.New("plain"), "plain", "plain"},
	} {
		got := Advise(tc.err)
		if tc.err.Error() != tc.sdk || got.Error() != tc.cli || !errors.Is(got, tc.err) || ExitCode(got) != ExitCode(tc.err) {
			t.Errorf("%v\n SDK %q\nwant %q\n CLI %q\nwant %q", tc.err, tc.err, tc.sdk, got, tc.cli)
		}
	}
	if got := ErrorLine(errors.New("two\nlines\n")); got != "two lines" {
		t.Errorf("ErrorLine = %q", got)
	}
}
