// Package quicksynccmd holds the `qcli quicksync` commands, which drive the
// QuickSync upload API through client/quicksync. Each command has an
// Options struct, a NewCmdX that only wires flags, and a runX that does the
// work, as in s3cmd.
package quicksynccmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

const quickSyncLong = `Upload files to QuickSync and manage them: join a session once with
qcli quicksync login, then upload, ls, info, url, download and rm.

The session's token, its ID and the token's expiry are kept in the
profile's credentials file (mode 0600); QCLI_QUICKSYNC_TOKEN and
QCLI_QUICKSYNC_SESSION set them for scripts. File names are encrypted with
the session ID before they leave this machine (the OpenSSL/CryptoJS
passphrase format: openssl enc -d -aes-256-cbc -md md5 -a -A
-pass pass:SESSION_ID decrypts them), so ls shows them decrypted only when
the session ID is known.

The API is at https://api.quicksync.me unless quicksync_endpoint,
QCLI_QUICKSYNC_ENDPOINT or --quicksync-endpoint say otherwise; qcli server
serves it beside its S3 emulator.`

// NewCmdQuickSync is the `qcli quicksync` group.
func NewCmdQuickSync(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quicksync",
		Short: "Upload and manage files with the QuickSync API",
		Long:  quickSyncLong,
		Args:  cmdutil.NoArgs,
		RunE:  cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdLogin(f, nil),
		NewCmdUpload(f, nil),
		NewCmdLs(f, nil),
		NewCmdInfo(f, nil),
		NewCmdRm(f, nil),
		NewCmdURL(f, nil),
		NewCmdDownload(f, nil),
	)
	return cmd
}

// clientFunc builds the client a command talks to.
type clientFunc func(context.Context) (*quicksync.Client, error)

// newClientFunc resolves the profile's QuickSync settings, with the same
// transport settings (TLS, timeouts, retries, --debug) as S3 commands.
// needToken commands fail before any request when the token is missing or
// known to have expired.
func newClientFunc(f *cmdutil.Factory, needToken bool) clientFunc {
	return func(context.Context) (*quicksync.Client, error) {
		r, err := f.Config()
		if err != nil {
			return nil, err
		}
		if needToken {
			if err := requireToken(r, time.Now()); err != nil {
				return nil, &cmdutil.ConfigError{Err: err}
			}
		}
		cfg := clientConfig(r)
		if f.Debug {
			cfg.Debug = f.IO.ErrOut
		}
		c, err := quicksync.New(cfg)
		if err != nil {
			return nil, &cmdutil.ConfigError{Err: err}
		}
		return c, nil
	}
}

func clientConfig(r *configure.Resolved) quicksync.Config {
	t := r.Client
	return quicksync.Config{
		Endpoint: r.QuickSync.Endpoint, Token: r.QuickSync.Token, SessionID: r.QuickSync.SessionID,
		MaxAttempts: t.MaxAttempts, ConnectTimeout: t.ConnectTimeout, ReadTimeout: t.ReadTimeout,
		RetryBaseDelay: t.RetryBaseDelay, RetryMaxBackoff: t.RetryMaxBackoff,
		RootCAs: t.RootCAs, InsecureSkipVerify: t.InsecureSkipVerify, UserAgent: t.UserAgent,
	}
}

// requireToken says, with the fix, that there is no token or that the one
// stored by login has expired. The stored expiry is trusted only for the
// stored token: a token from QCLI_QUICKSYNC_TOKEN is the service's to judge.
func requireToken(r *configure.Resolved, now time.Time) error {
	if r.QuickSync.Token == "" {
		return fmt.Errorf("no QuickSync token for profile %q: run `%s --session ID`, or set QCLI_QUICKSYNC_TOKEN",
			r.Profile, loginCommand(r.Profile))
	}
	tok, _ := r.Lookup(configure.KeyQuickSyncToken)
	exp := r.QuickSync.TokenExpiry
	if tok.Source == configure.SourceCredentialsFile && !exp.IsZero() && !now.Before(exp) {
		return fmt.Errorf("the QuickSync token of profile %q expired at %s: run `%s`",
			r.Profile, exp.Local().Format(time.RFC3339), loginCommand(r.Profile))
	}
	return nil
}

// loginCommand is the command that renews profile's token.
func loginCommand(profile string) string {
	if profile == "" || profile == configure.DefaultProfile {
		return "qcli quicksync login"
	}
	return "qcli --profile " + profile + " quicksync login"
}

// classify maps the SDK's errors to exit codes: service answers 254, a
// failed upload 1 (the transfer failed), a missing token or session 253.
// Validation (252), network (255) and interruption (130) errors already
// carry their kind. It adds the qcli command that fixes the error, which
// the SDK cannot name.
func classify(err error) error {
	var (
		se *quicksync.Error
		ue *quicksync.UploadError
	)
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &ue):
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: advise(err)}
	case errors.As(err, &se):
		return &cmdutil.ExitError{Code: cmdutil.ExitService, Err: advise(err)}
	case errors.Is(err, quicksync.ErrNoToken), errors.Is(err, quicksync.ErrNoSession):
		return &cmdutil.ConfigError{Err: advise(err)}
	}
	return err
}

// advise appends to err what to run or set to fix it.
func advise(err error) error {
	var (
		se *quicksync.Error
		ue *quicksync.UploadError
	)
	sep := ": " // the advice continues the SDK's hint
	if errors.As(err, &ue) {
		if ue.CleanupErr != nil {
			err = fmt.Errorf("%w: delete it with `qcli quicksync rm %s`", err, ue.FileKey)
		}
		sep = "; " // the upload's outcome came after the hint
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

// execute runs runF (tests of flag parsing) or run, classifying run's error.
func execute[O any](ctx context.Context, opts *O, runF, run func(context.Context, *O) error) error {
	if runF != nil {
		return runF(ctx, opts)
	}
	return classify(run(ctx, opts))
}
