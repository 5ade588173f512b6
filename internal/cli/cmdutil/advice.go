package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/configure"
)

// ErrorLine is a failed command's error as the user reads it: with the
// qcli command that fixes it (Advise), on one line, so that logs and
// scripts see it whole.
func ErrorLine(err error) string {
	return strings.TrimSpace(strings.ReplaceAll(Advise(err).Error(), "\n", " "))
}

// Advise adds to err the qcli command or setting that fixes it. The SDK
// says what is wrong and what to check, but knows nothing of qcli; this is
// the one place that names qcli's commands in its errors.
func Advise(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, client.ErrNoCredentials):
		// The SDK's fix names its Config fields; a qcli user sets a profile.
		return &advised{err: err, msg: strings.Replace(err.Error(), client.ErrNoCredentials.Fix,
			"run `qcli configure`, or set QCLI_ACCESS_KEY_ID and QCLI_SECRET_ACCESS_KEY", 1)}
	case errors.Is(err, client.ErrSignatureDoesNotMatch), errors.Is(err, client.ErrInvalidAccessKeyID):
		return fmt.Errorf("%w (qcli configure list shows where it comes from)", err)
	case errors.Is(err, console.ErrUnauthorized), errors.Is(err, console.ErrForbidden):
		return fmt.Errorf("%w; the console refused the API key: %s", err, consoleAPIKeyFix(""))
	}
	if err, ok := adviseSettings(err); ok {
		return err
	}
	return adviseQuickSync(err)
}

// adviseSettings adds the qcli command that writes a profile's settings
// to a profile the SDK found unusable, where editing the files fixes it.
func adviseSettings(err error) (error, bool) {
	var (
		pe *configure.Error
		ce *client.ConfigError
	)
	switch {
	case errors.As(err, &pe) && pe.FileFix:
		return fmt.Errorf("%w, or run `qcli configure%s`", err, profileFlag(pe.Profile)), true
	case errors.As(err, &ce) && ce.Setting == configure.KeyQuickSyncExpiry:
		return fmt.Errorf("%w (qcli quicksync login)", err), true
	}
	return err, false
}

// adviseQuickSync adds what to run or set to a QuickSync error.
func adviseQuickSync(err error) error {
	var (
		se *quicksync.Error
		ue *quicksync.UploadError
		le *quicksync.LostUploadError
	)
	sep := ": " // the advice continues the SDK's hint
	switch {
	case errors.As(err, &ue):
		if ue.CleanupErr != nil {
			err = fmt.Errorf("%w: delete it with `qcli quicksync rm %s`", err, ue.FileKey)
		}
		sep = "; " // the upload's outcome came after the hint
	case errors.As(err, &le):
		if le.FileKey != "" {
			err = fmt.Errorf("%w: delete it with `qcli quicksync rm %s`", err, le.FileKey)
		} else {
			err = fmt.Errorf("%w; find it with `qcli quicksync ls` (COMPLETED false) and delete it with `qcli quicksync rm FILE_KEY`", err)
		}
		sep = "; "
	}
	switch {
	case errors.Is(err, quicksync.ErrNoToken):
		return fmt.Errorf("%w (qcli quicksync login)", err)
	case errors.Is(err, quicksync.ErrNoSession):
		return fmt.Errorf("%w (qcli quicksync login stores it; or set QCLI_QUICKSYNC_SESSION)", err)
	case errors.As(err, &se) && se.Op == "JoinSession": // a wrong session ID or password: the SDK says so
		return err
	case errors.Is(err, quicksync.ErrUnauthorized):
		return fmt.Errorf("%w%srun `qcli quicksync login` to get a new token", err, sep)
	case errors.Is(err, quicksync.ErrTooLarge):
		return fmt.Errorf("%w; try a smaller --part-size", err)
	}
	return err
}

// advised is an error told in other words, its cause kept for errors.Is.
type advised struct {
	err error
	msg string
}

func (a *advised) Error() string { return a.msg }
func (a *advised) Unwrap() error { return a.err }

// consoleAPIKeyFix is how to set the console API key of profile.
func consoleAPIKeyFix(profile string) string {
	return fmt.Sprintf("run `qcli configure set console_api_key KEY%s`, or set QCLI_CONSOLE_API_KEY", profileFlag(profile))
}

// quickSyncLogin is the command that renews profile's QuickSync token.
func quickSyncLogin(profile string) string {
	if profile == "" || profile == configure.DefaultProfile {
		return "qcli quicksync login"
	}
	return "qcli --profile " + profile + " quicksync login"
}

// profileFlag is " --profile P" for a profile other than the default.
func profileFlag(profile string) string {
	if profile == "" || profile == configure.DefaultProfile {
		return ""
	}
	return " --profile " + profile
}
