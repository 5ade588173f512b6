package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/quilibrium/qcli/client"
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
		{fmt.Errorf("wrapped: %w", context.Canceled), 130},
		{ErrInterrupted, 130},
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
	}
	for _, tc := range cases {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
