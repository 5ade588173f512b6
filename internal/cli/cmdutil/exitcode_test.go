package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/s3uri"
)

func TestExitCode(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{&ExitError{Code: 1, Err: errors.New("transfer failed")}, 1},
		{&FlagError{Err: errors.New("unknown flag")}, 2},
		// cobra's own parse errors are plain errors.
		{errors.New(`unknown command "x" for "qcli"`), 2},
		{errors.New("if any flags in the group [size-only exact-timestamps] are set none of the others can be; [exact-timestamps size-only] were all set"), 2},
		{errors.New(`required flag(s) "name" not set`), 2},
		{fmt.Errorf("wrapped: %w", context.Canceled), 130},
		{ErrInterrupted, 130},
		{&SignalError{Signal: os.Interrupt}, 130},
		{&SignalError{Signal: syscall.SIGTERM}, 143},
		{fmt.Errorf("cp: %w", &SignalError{Signal: syscall.SIGHUP}), 129},
		{&UsageError{Err: errors.New("bad value")}, 252},
		{&client.ValidationError{Field: "bucket name"}, 252},
		{&s3uri.Error{Arg: "s3:/x"}, 252},
		{&ConfigError{Err: errors.New("no profile")}, 253},
		{&client.ConfigError{Setting: "region"}, 253},
		{fmt.Errorf("ls: %w", &client.Error{Code: client.ErrNoSuchBucket}), 254},
		// In an s3 command a service error exits 1, as in aws s3; other kinds keep theirs.
		{&S3Error{Err: fmt.Errorf("ls: %w", &client.Error{Code: client.ErrNoSuchBucket})}, 1},
		{&S3Error{Err: &UsageError{Err: errors.New("bad value")}}, 252},
		{&S3Error{Err: &client.ConnectionError{Err: errors.New("refused")}}, 255},
		{&S3Error{Err: &ConfigError{Err: errors.New("no profile")}}, 253},
		{&S3Error{Err: context.Canceled}, 130},
		{&client.ConnectionError{Err: errors.New("refused")}, 255},
		{errors.New("anything else"), 255},
		// The console's and QuickSync's errors: service answers 254, a
		// failed QuickSync upload 1, a missing token or session 253.
		{&console.Error{Op: console.OpStats, StatusCode: 401}, 254},
		{fmt.Errorf("stats: %w", &console.Error{Op: console.OpStats, StatusCode: 500}), 254},
		{&quicksync.Error{Op: "List", StatusCode: 404}, 254},
		{&quicksync.UploadError{Name: "f", Err: &quicksync.Error{Op: "UploadPart", StatusCode: 500}}, 1},
		{&quicksync.UploadError{Name: "f", Err: context.Canceled}, 130},
		{fmt.Errorf("List: %w", quicksync.ErrNoToken), 253},
		{quicksync.ErrNoSession, 253},
		{&quicksync.ConnectionError{Op: "List", Err: errors.New("refused")}, 255},
	}
	for _, tc := range cases {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
