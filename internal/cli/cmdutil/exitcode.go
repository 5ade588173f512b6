package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/s3uri"
)

// Exit codes: the AWS CLI's, so scripts port unchanged. This table is the
// only place a command's outcome becomes a number.
//
// The one rule for service errors follows the AWS CLI too: its high-level
// `aws s3` commands exit 1 when the service refuses an operation
// (make_bucket failed, remove_bucket failed, download failed, an ls that
// finds nothing), its `aws s3api` calls 254. So every `qcli s3` command
// exits 1 for a refused operation (see S3Error), and the commands that
// speak other APIs (console, quicksync) exit 254.
const (
	ExitOK          = 0   // success
	ExitFailed      = 1   // a `qcli s3` operation or a transfer failed (the service refused it, or nothing matched)
	ExitParse       = 2   // the command line could not be parsed, or a file was skipped
	ExitHangup      = 129 // SIGHUP: the terminal went away (128 + 1)
	ExitInterrupted = 130 // SIGINT: Ctrl-C (128 + 2)
	ExitTerminated  = 143 // SIGTERM: kill, a cancelled CI job, docker stop (128 + 15)
	ExitSyntax      = 252 // a parameter value is invalid
	ExitConfig      = 253 // bad configuration or environment
	ExitService     = 254 // the service returned an error
	ExitOther       = 255 // anything else (network failures included)
)

// ExitError carries an explicit exit code with its error.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// FlagError is a command line that could not be parsed: an unknown flag or
// command, or the wrong number of arguments.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// UsageError is a parsed argument whose value cannot work.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef is a UsageError of a formatted message (fmt.Errorf's verbs, %w
// included): the one way a command reports a bad flag or argument.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ConfigError is a configuration that cannot work: a malformed file, an
// unknown profile, missing credentials.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// S3Error is an error of a `qcli s3` command: a service error in it exits
// 1 (ExitFailed) instead of 254, as `aws s3` does. Other errors keep their
// kind (usage 252, configuration 253, network 255, interruption 130).
type S3Error struct{ Err error }

func (e *S3Error) Error() string { return e.Err.Error() }
func (e *S3Error) Unwrap() error { return e.Err }

// ErrInterrupted is the error of a command stopped by SIGINT; a SignalError
// wraps it for the other signals that stop a command.
var ErrInterrupted = errors.New("interrupted")

// SignalError is a command stopped by a signal: SIGINT, SIGTERM or SIGHUP
// are handled alike (uploads aborted, temporary files removed); only the
// exit code, 128 + the signal's number as shells report it, tells them
// apart.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string {
	if e.Signal == os.Interrupt {
		return ErrInterrupted.Error()
	}
	return fmt.Sprintf("%s by %s", ErrInterrupted, signalName(e.Signal))
}

// Unwrap makes every SignalError an ErrInterrupted.
func (e *SignalError) Unwrap() error { return ErrInterrupted }

// exitCode is 128 + the signal's number.
func (e *SignalError) exitCode() int {
	switch e.Signal {
	case syscall.SIGHUP:
		return ExitHangup
	case syscall.SIGTERM:
		return ExitTerminated
	}
	return ExitInterrupted
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// ExitCode maps an error to the process exit code: the one place that
// does, for the errors of every SDK client and every command.
func ExitCode(err error) int {
	var (
		exitErr      *ExitError
		flagErr      *FlagError
		usageErr     *UsageError
		cfgErr       *ConfigError
		svcErr       *client.Error
		valErr       *client.ValidationError
		uriErr       *s3uri.Error
		clientCfgErr *client.ConfigError
		s3Err        *S3Error
		protoErr     *client.ProtocolError
		consoleErr   *console.Error
		qsErr        *quicksync.Error
		qsUploadErr  *quicksync.UploadError
		sigErr       *SignalError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exitErr):
		return exitErr.Code
	case errors.As(err, &sigErr):
		return sigErr.exitCode()
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &qsUploadErr): // a QuickSync transfer failed, whatever the cause
		return ExitFailed
	case errors.As(err, &consoleErr), errors.As(err, &qsErr):
		return ExitService
	case errors.Is(err, quicksync.ErrNoToken), errors.Is(err, quicksync.ErrNoSession):
		return ExitConfig
	case errors.As(err, &flagErr), isCobraParseError(err):
		return ExitParse
	case errors.As(err, &usageErr), errors.As(err, &valErr), errors.As(err, &uriErr):
		return ExitSyntax
	case errors.As(err, &cfgErr), errors.As(err, &clientCfgErr):
		return ExitConfig
	case errors.As(err, &protoErr): // an answer that cannot be trusted: the operation failed
		return ExitFailed
	case errors.As(err, &svcErr) && errors.As(err, &s3Err):
		return ExitFailed
	case errors.As(err, &svcErr):
		return ExitService
	}
	return ExitOther
}

// cobraParseErrors begin the parse errors cobra returns as plain errors:
// unknown commands and flags on paths of its own (commands turn theirs
// into FlagErrors: FlagErrorFunc, NoArgs), and the checks of flag groups
// and required flags (MarkFlagsMutuallyExclusive and its kin).
var cobraParseErrors = []string{"unknown command", "unknown flag", "unknown shorthand flag",
	"if any flags in the group", "at least one of the flags in the group", "required flag(s)"}

// isCobraParseError reports a parse error of cobra's: exit 2, as any
// command line that does not parse.
func isCobraParseError(err error) bool {
	return slices.ContainsFunc(cobraParseErrors, func(p string) bool { return strings.HasPrefix(err.Error(), p) })
}
